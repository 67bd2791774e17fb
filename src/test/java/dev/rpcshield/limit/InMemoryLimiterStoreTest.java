package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rpcshield.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryLimiterStoreTest extends LimiterStoreContract {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final InMemoryLimiterStore store = new InMemoryLimiterStore(clock, 1000);

  @Override
  LimiterStore store() {
    return store;
  }

  @Override
  void pass(long millis) {
    clock.advance(Duration.ofMillis(millis));
  }

  @Override
  long nowEpochSecond() {
    return clock.instant().getEpochSecond();
  }

  @Test
  void keySprayingCannotGrowMemoryPastTheCap() {
    for (int i = 0; i < 5000; i++) {
      store.chargeOne(List.of(Rule.bucket("rps", "spray:" + i, 5, 1, 1)));
    }
    assertEquals(1000, store.size());
  }
}
