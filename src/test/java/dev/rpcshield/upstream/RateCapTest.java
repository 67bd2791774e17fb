package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.AtOnce;
import dev.rpcshield.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateCapTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void aFullBucketHoldsOneSecondAndRefillsAtTheRate() {
    RateCap cap = new RateCap(clock, 10);
    for (int i = 0; i < 10; i++) {
      assertTrue(cap.tryAcquire(), "token " + i);
    }
    assertFalse(cap.tryAcquire(), "empty");
    clock.advance(Duration.ofMillis(99));
    assertFalse(cap.tryAcquire(), "not a whole token yet");
    clock.advance(Duration.ofMillis(1));
    assertTrue(cap.tryAcquire(), "one token per 100 ms");
    assertFalse(cap.tryAcquire());
    clock.advance(Duration.ofMinutes(1));
    for (int i = 0; i < 10; i++) {
      assertTrue(cap.tryAcquire(), "token " + i + " after a minute");
    }
    assertFalse(cap.tryAcquire(), "never more than a second's worth");
  }

  @Test
  void underOneASecondItStillHoldsOne() {
    RateCap cap = new RateCap(clock, 0.5);
    assertTrue(cap.tryAcquire());
    clock.advance(Duration.ofMillis(1999));
    assertFalse(cap.tryAcquire());
    clock.advance(Duration.ofMillis(1));
    assertTrue(cap.tryAcquire());
  }

  @Test
  void threadsTakingAtOnceGetEachTokenOnce() throws Exception {
    RateCap cap = new RateCap(clock, 1000);
    List<Integer> taken;
    try (AtOnce atOnce = new AtOnce(8)) {
      taken =
          atOnce.run(() -> {
            int got = 0;
            for (int i = 0; i < 200; i++) {
              got += cap.tryAcquire() ? 1 : 0;
            }
            return got;
          });
    }
    assertEquals(1000, taken.stream().mapToInt(Integer::intValue).sum());
  }
}
