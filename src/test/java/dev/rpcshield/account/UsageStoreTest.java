package dev.rpcshield.account;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rpcshield.account.AccountStore.Usage;
import dev.rpcshield.testing.InMemoryDatabase;
import dev.rpcshield.testing.MutableClock;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An account's usage is read for the month the clock reads in UTC, zero before any row. */
class UsageStoreTest {
  private static Database db;

  @BeforeAll
  static void open() {
    db = InMemoryDatabase.named("usagestore");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static UUID account() {
    return new AccountStore(db, Clock.systemUTC(), () -> {})
        .createAccount("usage", "free", "test")
        .getId();
  }

  @Test
  void anAccountWithoutUsageHasZeroForTheMonthInUtc() {
    UsageStore usage = new UsageStore(db, new MutableClock(Instant.parse("2026-04-30T23:30:00Z")));
    UUID a = account();
    assertEquals(new Usage("2026-04", 0, 0, 0), usage.usage(a));
    assertEquals(Map.of(), usage.usageByNetwork(a));
  }

  @Test
  void eachAdditionCountsInTheTotalAndTheNetworksShare() {
    UsageStore usage = new UsageStore(db, new MutableClock(Instant.parse("2026-05-01T00:00:00Z")));
    UUID a = account();
    usage.addUsage(a, "base", 5, 1, 0);
    usage.addUsage(a, "mainnet", 3, 0, 2);
    assertEquals(new Usage("2026-05", 8, 1, 2), usage.usage(a));
    assertEquals(
        Map.of("base", new Usage("2026-05", 5, 1, 0), "mainnet", new Usage("2026-05", 3, 0, 2)),
        usage.usageByNetwork(a));
  }
}
