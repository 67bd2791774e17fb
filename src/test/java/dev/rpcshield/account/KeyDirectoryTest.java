package dev.rpcshield.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.rpcshield.allowlist.Allowlists;
import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.InMemoryDatabase;
import dev.rpcshield.testing.MapConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When a change takes effect: at once for the next lookup on the instance that made it, at the next
 * change poll on the others, and never undone by a lookup that was in flight while it landed. The
 * store is the embedded database; the guard and the tiers are fakes that let a test run a change
 * while a lookup is in flight.
 */
class KeyDirectoryTest {
  private static Database db;

  private AccountStore store;
  private KeyDirectory directory;
  private Tiers tiers = tiers(Map.of());
  private Runnable meanwhile = () -> {};

  @BeforeAll
  static void open() {
    db = InMemoryDatabase.named("keydirectory");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @BeforeEach
  void build() {
    store = new AccountStore(db, Clock.systemUTC(), () -> directory.invalidate());
    directory =
        new KeyDirectory(store, store, this::currentTiers, Clock.systemUTC(), 100, inFlight());
  }

  /** A guard that runs the lookup, then whatever the test wants to land before it returns. */
  private KeyDirectory.Guard inFlight() {
    return new KeyDirectory.Guard() {
      @Override
      public <T> T call(Supplier<T> lookup) {
        T found = lookup.get();
        landMeanwhile();
        return found;
      }
    };
  }

  /** The configured tiers, read by the directory mid-resolution: a change may land there too. */
  private Tiers currentTiers() {
    landMeanwhile();
    return tiers;
  }

  private void landMeanwhile() {
    Runnable change = meanwhile;
    meanwhile = () -> {};
    change.run();
  }

  private static Tiers tiers(Map<String, String> values) {
    return new Tiers(new Settings(new MapConfig(values)));
  }

  private String newKey() {
    Account a = store.createAccount("k", "free", "test");
    return store.createKey(a.getId(), "k", "test").plaintext();
  }

  private ApiKey record(String key) {
    return store.keyByHash(ApiKeys.hash(key)).orElseThrow();
  }

  private KeyDirectory.Status status(String key) {
    return directory.resolve(key).status();
  }

  @Test
  void aLookupThatTheChangePollOvertakesIsAnsweredButNotKept() {
    String key = newKey();
    meanwhile =
        () -> {
          store.revokeKey(record(key).getId(), "elsewhere");
          directory.refreshIfChanged();
        };
    assertEquals(KeyDirectory.Status.OK, status(key), "it read the key before the revoke");
    assertEquals(KeyDirectory.Status.REVOKED, status(key));
    assertEquals(KeyDirectory.Status.REVOKED, status(key), "and it stays revoked");
  }

  @Test
  void aLookupThatALocalChangeOvertakesIsAnsweredButNotKept() {
    String key = newKey();
    meanwhile = () -> store.revokeKey(record(key).getId(), "here");
    assertEquals(KeyDirectory.Status.OK, status(key));
    assertEquals(KeyDirectory.Status.REVOKED, status(key));
  }

  @Test
  void aCachedKeyTakenUnderNewTiersWhileAChangeLandsIsNotKept() {
    String key = newKey();
    assertEquals(KeyDirectory.Status.OK, status(key));
    tiers = tiers(Map.of("rpcshield.tier.free.rps", "7"));
    meanwhile =
        () -> {
          store.revokeKey(record(key).getId(), "elsewhere");
          directory.refreshIfChanged();
        };
    assertEquals(7.0, directory.resolve(key).view().limits().rps(), "taken under the new tiers");
    assertEquals(KeyDirectory.Status.REVOKED, status(key));
  }

  @Test
  void everyChangeIsSeenAtOnceByTheNextLookupOnTheInstanceThatMadeIt() {
    String key = newKey();
    ApiKey k = record(key);
    assertEquals(Allowlists.NONE, directory.resolve(key).view().allowlists());
    Allowlists lists = Allowlists.of(null, null, null, List.of("eth_call"), null);
    store.restrictKey(k.getId(), lists, null, null, "test");
    assertEquals(lists, directory.resolve(key).view().allowlists(), "allowlist change");
    store.updateAccount(k.getAccountId(), a -> a.setTier("pro"), "test", "tier");
    assertEquals("pro", directory.resolve(key).view().limits().name(), "tier change");
    store.updateAccount(k.getAccountId(), a -> a.setEnabled(false), "test", "disable");
    assertEquals(KeyDirectory.Status.DISABLED, status(key), "disable");
    store.updateAccount(k.getAccountId(), a -> a.setEnabled(true), "test", "enable");
    assertEquals(KeyDirectory.Status.OK, status(key), "enable");
    store.revokeKey(k.getId(), "test");
    assertEquals(KeyDirectory.Status.REVOKED, status(key), "revoke");
  }

  @Test
  void anotherInstancesChangeIsSeenAtTheNextChangePoll() {
    String key = newKey();
    AccountStore elsewhere = new AccountStore(db, Clock.systemUTC(), () -> {});
    assertEquals(KeyDirectory.Status.OK, status(key));
    elsewhere.revokeKey(record(key).getId(), "elsewhere");
    assertEquals(KeyDirectory.Status.OK, status(key), "cached until the poll");
    directory.refreshIfChanged();
    assertEquals(KeyDirectory.Status.REVOKED, status(key));
  }

  /**
   * Every connection the lookups may use is taken (lookups waiting on a slow database): the change
   * poll still reads the counter through its own store, and a revoke elsewhere drops the cached
   * key.
   */
  @Test
  void theChangePollSeesAChangeWhileTheLookupsHoldEveryConnection() throws SQLException {
    HikariConfig one = new HikariConfig();
    one.setJdbcUrl("jdbc:h2:mem:keydirectory;DB_CLOSE_DELAY=-1");
    one.setMaximumPoolSize(1);
    one.setConnectionTimeout(250);
    try (HikariDataSource lookups = new HikariDataSource(one)) {
      AccountStore lookupStore = new AccountStore(db.over(lookups), Clock.systemUTC(), () -> {});
      KeyDirectory poor =
          new KeyDirectory(lookupStore, store, () -> tiers, Clock.systemUTC(), 100, inFlight());
      String key = newKey();
      assertEquals(KeyDirectory.Status.OK, poor.resolve(key).status());
      new AccountStore(db, Clock.systemUTC(), () -> {}).revokeKey(record(key).getId(), "elsewhere");
      try (Connection held = lookups.getConnection()) {
        poor.refreshIfChanged();
        assertThrows(
            DatabaseUnavailableException.class,
            () -> poor.resolve(key),
            "no longer served from the cache, and the lookup finds no connection");
      }
      assertEquals(KeyDirectory.Status.REVOKED, poor.resolve(key).status());
    }
  }
}
