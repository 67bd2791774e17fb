package dev.rpcshield.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.allowlist.Allowlists;
import dev.rpcshield.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The store's behaviour, run on each database: the same migrations, the same answers. */
abstract class AccountStoreContract {
  abstract Database database();

  private AccountStore store() {
    return new AccountStore(database(), Clock.systemUTC(), () -> {});
  }

  @Test
  void accountsKeysAndRevocation() {
    AccountStore store = store();
    long seq = store.changeSeq();
    Account a = store.createAccount("acme", "free", "test");
    assertTrue(store.changeSeq() > seq, "a change moves the counter");
    AccountStore.CreatedKey k = store.createKey(a.getId(), "ci", "test");
    assertTrue(ApiKeys.wellFormed(k.plaintext()));
    ApiKey found = store.keyByHash(ApiKeys.hash(k.plaintext())).orElseThrow();
    assertEquals(a.getId(), found.getAccountId());
    assertEquals(k.plaintext().substring(0, 12), found.getPrefix());
    assertNull(found.getRevokedAt());
    assertTrue(store.revokeKey(found.getId(), "test"));
    assertNotNull(store.keyByHash(ApiKeys.hash(k.plaintext())).orElseThrow().getRevokedAt());
    assertFalse(store.revokeKey(UUID.randomUUID(), "test"));
  }

  @Test
  void aKeysAllowlistsAndSecretAreStoredAndMoveTheCounter() {
    AccountStore store = store();
    Account a = store.createAccount("restricted", "free", "test");
    ApiKey k = store.createKey(a.getId(), "web", "test").key();
    assertEquals(Allowlists.NONE, k.getAllowlists());
    assertThrows(
        IllegalArgumentException.class,
        () -> store.restrictKey(k.getId(), null, true, null, "test"),
        "a key without a secret cannot require one");
    Allowlists lists =
        Allowlists.of(
            List.of("https://app.example", "https://*.dapp.example"),
            List.of("203.0.113.0/24"),
            List.of("Mozilla/"),
            List.of("eth_call", "eth_get*"),
            List.of("0x1111111111111111111111111111111111111111"));
    long seq = store.changeSeq();
    store.restrictKey(k.getId(), lists, null, "s3cret", "test").orElseThrow();
    store.restrictKey(k.getId(), null, true, null, "test").orElseThrow();
    assertTrue(store.changeSeq() > seq, "every instance sees the change");
    ApiKey found = store.keyByHash(k.getKeyHash()).orElseThrow();
    assertEquals(lists, found.getAllowlists());
    assertEquals(ApiKeys.hash("s3cret"), found.getSecretHash());
    assertTrue(found.isSecretRequired());
    assertTrue(store.restrictKey(UUID.randomUUID(), lists, null, null, "test").isEmpty());
  }

  @Test
  void activeKeysAreListedByAccountWithoutRevokedOnes() {
    AccountStore store = store();
    Account a = store.createAccount("two-keys", "free", "test");
    Account b = store.createAccount("one-revoked", "free", "test");
    AccountStore.CreatedKey a1 = store.createKey(a.getId(), "one", "test");
    AccountStore.CreatedKey a2 = store.createKey(a.getId(), "two", "test");
    AccountStore.CreatedKey b1 = store.createKey(b.getId(), "gone", "test");
    store.revokeKey(b1.key().getId(), "test");
    Map<UUID, List<ApiKey>> keys = store.activeKeysByAccount();
    assertEquals(
        Set.of(a1.key().getId(), a2.key().getId()),
        Set.copyOf(keys.get(a.getId()).stream().map(ApiKey::getId).toList()));
    assertFalse(keys.containsKey(b.getId()), "revoked keys are not listed");
  }

  @Test
  void updatesAndTheHighRateFlagIsSetOnce() {
    AccountStore store = store();
    Account a = store.createAccount("flags", "free", "test");
    store.updateAccount(
        a.getId(),
        x -> {
          x.setTier("pro");
          x.setRpsOverride(7.0);
        },
        "test",
        "tier");
    Account read = store.account(a.getId()).orElseThrow();
    assertEquals("pro", read.getTier());
    assertEquals(7.0, read.getRpsOverride());
    assertTrue(store.flagHighRate(a.getId()));
    assertFalse(store.flagHighRate(a.getId()), "set once");
    assertTrue(store.accounts(true).stream().anyMatch(x -> x.getId().equals(a.getId())));
  }

  @Test
  void dailyUsageIsKeptPerKeyNetworkMethodAndDayAndSummedAsAsked() {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-31T23:59:00Z"));
    AccountStore store = new AccountStore(database(), clock, () -> {});
    UUID a = store.createAccount("daily", "free", "test").getId();
    UUID key = UUID.randomUUID();
    UsageMeter meter = new UsageMeter(store, clock);
    meter.called(a, key, "mainnet", "eth_call", 26, "ok");
    meter.called(a, key, "mainnet", "eth_call", 0, "refused");
    meter.called(a, key, "base", "eth_call", 26, "error");
    meter.called(a, null, "mainnet", "eth_blockNumber", 10, "ok");
    meter.flush();
    meter.called(a, key, "mainnet", "eth_call", 26, "failed");
    clock.advance(Duration.ofMinutes(2));
    meter.called(a, key, "mainnet", "eth_call", 26, "ok");
    meter.flush();

    LocalDate march31 = LocalDate.parse("2026-03-31");
    LocalDate april1 = LocalDate.parse("2026-04-01");
    assertEquals(
        List.of(
            new DailyUsage("2026-03-31", 5, 88, 1, 2), new DailyUsage("2026-04-01", 1, 26, 0, 0)),
        store.dailyUsage(a, null, march31, april1, "day"),
        "a second flush adds to the rows the first one made; each day its own");
    assertEquals(
        List.of(
            new DailyUsage("eth_blockNumber", 1, 10, 0, 0),
            new DailyUsage("eth_call", 5, 104, 1, 2)),
        store.dailyUsage(a, null, march31, april1, "method"));
    assertEquals(
        List.of(new DailyUsage("base", 1, 26, 0, 1), new DailyUsage("mainnet", 3, 52, 1, 1)),
        store.dailyUsage(a, key, march31, march31, "network"));
    assertEquals(
        List.of(new DailyUsage(DailyUsage.NO_KEY.toString(), 1, 10, 0, 0)),
        store.dailyUsage(a, DailyUsage.NO_KEY, march31, april1, "key"),
        "calls without a key of the account's own");
    assertEquals(
        List.of(new DailyUsage(key.toString(), 1, 26, 0, 0)),
        store.dailyUsage(null, key, april1, april1, "key"),
        "one key's, whatever its account");
    assertEquals(
        a + "/" + key,
        store.topUsage(march31, true, 1000).stream()
            .filter(u -> u.name().startsWith(a.toString()))
            .findFirst()
            .orElseThrow()
            .name(),
        "the key that used the most of the account");
    List<DailyUsage.Row> rows = store.usageRows(april1, april1);
    assertTrue(
        rows.stream()
            .anyMatch(r ->
                r.accountId().equals(a.toString())
                    && r.keyId().equals(key.toString())
                    && r.method().equals("eth_call")
                    && r.usage().requests() == 1),
        rows.toString());
  }

  @Test
  void accountsNearTheirMonthlyQuotaAreCountedUntilTheMonthEnds() {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-30T23:58:00Z"));
    AccountStore store = new AccountStore(database(), clock, () -> {});
    UUID near = store.createAccount("near", "free", "test").getId();
    UUID far = store.createAccount("far", "free", "test").getId();
    UsageMeter meter = new UsageMeter(store, clock);
    meter.flush();
    assertEquals(0, meter.accountsNearQuota().size());

    assertTrue(meter.withinQuota(near, 10, 100));
    meter.served(near, "mainnet", 80);
    assertEquals(
        0, meter.accountsNearQuota().size(), "80 of 100 used, the next call costs 10: 90 %");
    assertTrue(meter.withinQuota(near, 10, 100));
    assertEquals(1, meter.accountsNearQuota().size(), "at 90 % with its call");
    assertTrue(meter.withinQuota(far, 10, 100));
    meter.flush();
    assertTrue(meter.withinQuota(near, 10, 100), "the database total is re-read after a flush");
    assertEquals(1, meter.accountsNearQuota().size());
    assertTrue(meter.withinQuota(near, 10, 0), "its quota removed: no longer near it");
    assertEquals(0, meter.accountsNearQuota().size());
    assertTrue(meter.withinQuota(near, 10, 100));
    assertEquals(Set.of(near), meter.accountsNearQuota());

    meter.flush();
    assertTrue(meter.withinQuota(near, 5, 1000), "a raised quota");
    assertEquals(0, meter.accountsNearQuota().size());
    assertTrue(meter.withinQuota(near, 10, 100));
    assertEquals(1, meter.accountsNearQuota().size());

    clock.advance(Duration.ofMinutes(3));
    meter.flush();
    assertEquals(0, meter.accountsNearQuota().size(), "a new month");
    assertTrue(meter.withinQuota(near, 5, 100));
    assertEquals(0, meter.accountsNearQuota().size(), "July's usage is nothing yet");
  }

  @Test
  void usageOfAnAccountDeletedBeforeItsFlushIsDroppedAndHoldsUpNoOtherAccount() {
    MutableClock clock = new MutableClock(Instant.parse("2026-05-10T12:00:00Z"));
    AccountStore store = new AccountStore(database(), clock, () -> {});
    UUID gone = store.createAccount("gone", "free", "test").getId();
    UUID kept = store.createAccount("kept", "free", "test").getId();
    UsageMeter meter = new UsageMeter(store, clock);
    for (UUID a : List.of(gone, kept)) {
      meter.served(a, "mainnet", 5);
      meter.called(a, null, "mainnet", "eth_call", 5, "ok");
    }
    assertTrue(store.deleteAccount(gone, "test"));

    meter.flush();
    meter.flush();

    assertEquals(5, store.usage(kept).computeUnits(), "the other account's month was written");
    LocalDate may10 = LocalDate.parse("2026-05-10");
    assertEquals(
        List.of(new DailyUsage("2026-05-10", 1, 5, 0, 0)),
        store.dailyUsage(kept, null, may10, may10, "day"));
    assertEquals(List.of(), store.dailyUsage(gone, null, may10, may10, "day"));
  }

  @Test
  void usageAccumulatesPerMonthAndPerNetwork() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-31T23:59:00Z"));
    AccountStore store = new AccountStore(database(), clock, () -> {});
    Account a = store.createAccount("usage", "free", "test");
    store.addUsage(a.getId(), "mainnet", 40, 2, 0);
    store.addUsage(a.getId(), "base", 26, 1, 3);
    store.addUsage(a.getId(), "mainnet", 4, 1, 1);
    AccountStore.Usage u = store.usage(a.getId());
    assertEquals("2026-01", u.period());
    assertEquals(70, u.computeUnits());
    assertEquals(4, u.requests());
    assertEquals(4, u.refusals());
    Map<String, AccountStore.Usage> byNetwork = store.usageByNetwork(a.getId());
    assertEquals(List.of("base", "mainnet"), List.copyOf(byNetwork.keySet()));
    assertEquals(44, byNetwork.get("mainnet").computeUnits());
    assertEquals(3, byNetwork.get("mainnet").requests());
    assertEquals(1, byNetwork.get("mainnet").refusals());
    assertEquals(26, byNetwork.get("base").computeUnits());
    assertEquals(3, byNetwork.get("base").refusals());

    clock.advance(Duration.ofMinutes(2));
    store.addUsage(a.getId(), "mainnet", 7, 1, 0);
    AccountStore.Usage february = store.usage(a.getId());
    assertEquals(
        new AccountStore.Usage("2026-02", 7, 1, 0),
        february,
        "February's usage lands in February, which starts from zero");
    Map<String, AccountStore.Usage> februaryByNetwork = store.usageByNetwork(a.getId());
    assertEquals(List.of("mainnet"), List.copyOf(februaryByNetwork.keySet()));
    assertEquals(new AccountStore.Usage("2026-02", 7, 1, 0), februaryByNetwork.get("mainnet"));

    clock.advance(Duration.ofMinutes(-2));
    assertEquals(
        new AccountStore.Usage("2026-01", 70, 4, 4),
        store.usage(a.getId()),
        "January's usage is kept, untouched by February's");
    assertEquals(44, store.usageByNetwork(a.getId()).get("mainnet").computeUnits());
  }

  @Test
  void everyAdminChangeTellsThisInstanceOnceItHasCommitted() {
    AccountStore reader = store();
    List<Long> seen = new ArrayList<>();
    AccountStore store =
        new AccountStore(database(), Clock.systemUTC(), () -> seen.add(reader.changeSeq()));
    long before = reader.changeSeq();
    Account a = store.createAccount("told", "free", "test");
    store.updateAccount(a.getId(), x -> x.setEnabled(false), "test", "disable");
    ApiKey k = store.createKey(a.getId(), "k", "test").key();
    store.restrictKey(k.getId(), Allowlists.NONE, null, null, "test");
    store.revokeKey(k.getId(), "test");
    store.unblock(store.block("198.51.100.0/24", "test", null, "test").getId(), "test");
    store.deleteAccount(a.getId(), "test");
    assertEquals(8, seen.size(), seen.toString());
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(
          before + i + 1, seen.get(i), "change " + i + " is visible to another transaction");
    }
  }

  @Test
  void blocklistAndDeleteAreAudited() {
    AccountStore store = store();
    BlockedAddress b = store.block("203.0.113.0/24", "abuse", null, "test");
    assertTrue(store.blocklist().stream().anyMatch(x -> x.getId().equals(b.getId())));
    assertTrue(store.unblock(b.getId(), "test"));
    Account a = store.createAccount("gone", "free", "test");
    store.createKey(a.getId(), "k", "test");
    store.addUsage(a.getId(), "default", 1, 1, 0);
    assertTrue(store.deleteAccount(a.getId(), "test"));
    assertTrue(store.account(a.getId()).isEmpty());
    assertTrue(store.audit(50).stream().anyMatch(r -> r.getAction().equals("account.delete")));
  }

  /**
   * Ratewatch's flag changes nothing a key resolves to: it is audited, but no instance is told to
   * drop its cached keys, neither this one (the hook) nor the others (the counter).
   */
  @Test
  void aHighRateFlagIsAuditedButDropsNoCachedKeys() {
    List<String> told = new ArrayList<>();
    AccountStore store = new AccountStore(database(), Clock.systemUTC(), () -> told.add("told"));
    Account a = store.createAccount("flagged", "free", "test");
    told.clear();
    long seq = store.changeSeq();
    assertTrue(store.flagHighRate(a.getId()));
    assertFalse(store.flagHighRate(a.getId()));
    assertEquals(List.of(), told, "this instance keeps its cached keys");
    assertEquals(seq, store.changeSeq(), "the other instances keep theirs");
    assertTrue(
        store.audit(50).stream()
            .anyMatch(r ->
                r.getAction().equals("account.flag") && r.getTarget().equals(a.getId().toString())),
        "audited");
  }
}
