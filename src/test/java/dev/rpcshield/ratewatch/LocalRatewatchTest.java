package dev.rpcshield.ratewatch;

import dev.rpcshield.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;

/** The ratewatch contract on this instance's own state, on a clock the test moves. */
class LocalRatewatchTest extends RatewatchStoreContract {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

  @Override
  RatewatchStore store(int maxSeries, long threshold, Duration flagWindow) {
    FlagRule flag = new FlagRule(threshold, flagWindow);
    return new LocalRatewatch(clock, maxSeries, Duration.ofHours(1), () -> flag);
  }

  @Override
  void pass(Duration d) {
    clock.advance(d);
  }
}
