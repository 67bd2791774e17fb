package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Connection leases in memory, on a clock the test moves. */
class InMemoryConnectionLeasesTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

  static void capThenRelease(ConnectionLeases leases, String key) {
    assertTrue(leases.acquire(key, "a", 2, Duration.ofSeconds(60)));
    assertTrue(leases.acquire(key, "b", 2, Duration.ofSeconds(60)));
    assertFalse(leases.acquire(key, "c", 2, Duration.ofSeconds(60)));
    leases.release(key, "a");
    assertTrue(leases.acquire(key, "c", 2, Duration.ofSeconds(60)));
  }

  @Test
  void inMemoryCapsReleasesAndExpires() {
    InMemoryConnectionLeases leases = new InMemoryConnectionLeases(clock);
    capThenRelease(leases, "k");
    assertFalse(leases.acquire("k", "d", 2, Duration.ofSeconds(60)));
    clock.advance(Duration.ofSeconds(61));
    assertTrue(leases.acquire("k", "d", 2, Duration.ofSeconds(60)), "a dead holder's slot expires");
  }
}
