package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An upstream that answers nothing while requests wait on it, and the delay before a hedge. */
class SilenceTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T00:00:00Z"));
  private final Upstream u =
      new Upstream(
          new UpstreamSettings(
              "a",
              URI.create("http://127.0.0.1:1"),
              Duration.ofSeconds(10),
              0,
              1,
              0,
              0,
              Map.of(),
              false,
              10),
          new CircuitBreaker(clock, 3, Duration.ofSeconds(10)),
          clock);

  @Test
  void nothingWaitingIsNeverSilence() {
    clock.advance(Duration.ofMinutes(5));
    assertEquals(Duration.ZERO, u.silentFor());
  }

  @Test
  void silenceIsTheTimeRequestsWaitedSinceTheLastAnswer() {
    clock.advance(Duration.ofSeconds(30));
    u.startedWaiting();
    clock.advance(Duration.ofMillis(400));
    assertEquals(Duration.ofMillis(400), u.silentFor());
    u.answered();
    clock.advance(Duration.ofMillis(300));
    assertEquals(Duration.ofMillis(300), u.silentFor(), "a head poll's answer resets it");
    u.stoppedWaiting(false);
    clock.advance(Duration.ofSeconds(5));
    assertEquals(Duration.ofMillis(300), u.silentFor(), "idle time is not silence");
    u.startedWaiting();
    clock.advance(Duration.ofMillis(200));
    assertEquals(Duration.ofMillis(500), u.silentFor(), "waits given up on add up");
    u.stoppedWaiting(true);
    assertEquals(Duration.ZERO, u.silentFor(), "an answer ends it");
  }

  @Test
  void overlappingWaitsCountOnce() {
    u.startedWaiting();
    clock.advance(Duration.ofMillis(100));
    u.startedWaiting();
    clock.advance(Duration.ofMillis(100));
    u.stoppedWaiting(false);
    clock.advance(Duration.ofMillis(100));
    u.stoppedWaiting(false);
    assertEquals(Duration.ofMillis(300), u.silentFor());
  }

  @Test
  void aStallIsSilenceBeyondTheThresholdOrFourTimesTheUsualLatency() {
    Duration after = Duration.ofMillis(1500);
    u.startedWaiting();
    clock.advance(Duration.ofSeconds(3));
    assertFalse(u.stalled(after), "never seen answering: left to its timeouts");
    u.stoppedWaiting(false);
    u.recordAttempt(20, false);
    u.answered();
    u.startedWaiting();
    clock.advance(Duration.ofMillis(1400));
    assertFalse(u.stalled(after));
    clock.advance(Duration.ofMillis(100));
    assertTrue(u.stalled(after));
    for (int i = 0; i < 60; i++) {
      u.recordAttempt(2_000, false);
    }
    assertFalse(u.stalled(after), "slow at everything is not stalled");
    clock.advance(Duration.ofSeconds(7));
    assertTrue(u.stalled(after), "silent for four times its usual 2 s");
  }

  @Test
  void aTripTakesAnUpstreamInRotationOutWithItsReasonOnce() {
    assertTrue(u.breaker().trip("unresponsive: no answer for 1500 ms"));
    assertFalse(u.breaker().inRotation());
    assertEquals("unresponsive: no answer for 1500 ms", u.breaker().lastFailure());
    assertFalse(u.breaker().trip("again"), "an upstream already out is not tripped again");
    u.breaker().hold();
    assertFalse(u.breaker().trip("held"));
  }

  @Test
  void theHedgeDelayFollowsLatencyWithinItsBounds() {
    Duration min = Duration.ofMillis(50);
    Duration max = Duration.ofSeconds(1);
    assertEquals(min, u.hedgeDelay(min, max), "no latency seen yet");
    for (int i = 0; i < 50; i++) {
      u.recordAttempt(100, false);
    }
    long steady = u.hedgeDelay(min, max).toMillis();
    assertTrue(steady >= 100 && steady < 150, "steady 100 ms answers: " + steady);
    for (int i = 0; i < 5; i++) {
      u.recordAttempt(100, false);
      u.recordAttempt(400, false);
    }
    assertTrue(u.hedgeDelay(min, max).toMillis() > steady + 200, "jitter widens it");
    for (int i = 0; i < 50; i++) {
      u.recordAttempt(5_000, false);
    }
    assertEquals(max, u.hedgeDelay(min, max));
  }

  @Test
  void anAnswerIsSlowBeyondFourTimesTheBaselineWhichAFewSlowAnswersBarelyMove() {
    Duration floor = Duration.ofMillis(50);
    assertTrue(u.usualSpeed(5_000, floor), "no latency seen yet: any answer will do");
    for (int i = 0; i < 50; i++) {
      u.recordAttempt(2, false);
    }
    assertTrue(u.usualSpeed(50, floor), "within the floor");
    assertFalse(u.usualSpeed(51, floor), "beyond the floor of an upstream answering in 2 ms");
    for (int i = 0; i < 5; i++) {
      u.recordAttempt(1_800, false);
    }
    assertFalse(u.usualSpeed(1_800, floor), "five slow answers do not make slow usual");
    for (int i = 0; i < 500; i++) {
      u.recordAttempt(2_000, false);
    }
    assertTrue(u.usualSpeed(2_000, floor), "hundreds do: it is as slow as it now always is");
    assertFalse(u.usualSpeed(8_500, floor));
  }
}
