package dev.rpcshield.limit;

import dev.rpcshield.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;

/** The lease contract in memory, on a clock the test moves. */
class InMemoryConnectionLeasesTest extends ConnectionLeasesContract {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final InMemoryConnectionLeases leases = new InMemoryConnectionLeases(clock);

  @Override
  ConnectionLeases leases() {
    return leases;
  }

  @Override
  Duration ttl() {
    return Duration.ofSeconds(60);
  }

  @Override
  void pass(Duration d) {
    clock.advance(d);
  }
}
