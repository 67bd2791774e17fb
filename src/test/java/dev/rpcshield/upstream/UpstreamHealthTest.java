package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.AtOnce;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One upstream's health on a clock moved by hand: its silence and the delay before a hedge, its
 * latency, and the chain it was seen on.
 */
class UpstreamHealthTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T00:00:00Z"));
  private final UpstreamHealth u =
      new UpstreamHealth(new CircuitBreaker(clock, 3, Duration.ofSeconds(10)), clock, 0);
  private final UpstreamHealth onChain =
      new UpstreamHealth(new CircuitBreaker(clock, 3, Duration.ofSeconds(10)), clock, 8453);

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

  @Test
  void attemptsAreCountedAndOnlyAnswersMoveTheLatency() {
    u.recordAttempt(100, false);
    u.recordAttempt(5_000, true);
    u.hedged();
    assertEquals(2, u.requests());
    assertEquals(1, u.failures());
    assertEquals(1, u.hedges());
    assertEquals(100, u.latencyMillis());
    assertEquals(100, u.baselineMillis());
    u.recordAttempt(200, false);
    assertEquals(110, u.latencyMillis(), 1e-9, "a tenth of the way to the new answer");
    assertEquals(101, u.baselineMillis(), 1e-9, "a hundredth of the way");
  }

  @Test
  void withoutAChainIdTheAnswerIsRecordedAndNothingElse() {
    u.chainSeen(1);
    assertEquals(1, u.seenChainId());
    u.connectionFailed(new UpstreamFailure(Kind.CONNECT, "refused"));
    u.headWentBack(10, 5);
    assertEquals(CircuitBreaker.Chain.UNCHECKED, u.breaker().chain());
    assertTrue(u.breaker().inRotation());
  }

  @Test
  void onAnotherChainItLeavesRotationAndForgetsItsHeads() {
    assertEquals(-1, onChain.seenChainId());
    assertFalse(onChain.breaker().inRotation(), "not before its chain is seen");
    onChain.chainSeen(8453);
    onChain.head().observe(461, 400, 300, clock.instant());
    assertTrue(onChain.breaker().inRotation());
    List<String> turned = new ArrayList<>();
    onChain.onChainTurned(() -> turned.add("turned"));
    onChain.chainSeen(1);
    assertEquals(1, onChain.seenChainId());
    assertFalse(onChain.breaker().inRotation());
    assertEquals("on chain 1 but its network is chain 8453", onChain.breaker().lastFailure());
    assertEquals(-1, onChain.head().latest());
    assertEquals(-1, onChain.head().safe());
    assertEquals(-1, onChain.head().finalized());
    assertEquals(List.of("turned"), turned, "it had served on its own chain");
    onChain.chainSeen(1);
    assertEquals(1, turned.size(), "told once");
  }

  @Test
  void aBrokenConnectionPutsAVerifiedChainInDoubtAndAsksItOnce() {
    List<String> asks = new ArrayList<>();
    onChain.onChainDoubted(() -> asks.add("eth_chainId"));
    onChain.connectionFailed(new UpstreamFailure(Kind.IO, "reset"));
    assertEquals(List.of(), asks, "never verified: nothing to doubt");
    onChain.chainSeen(8453);
    onChain.connectionFailed(new UpstreamFailure(Kind.CONNECT, "refused", true));
    onChain.connectionFailed(new UpstreamFailure(Kind.TIMEOUT, "timed out"));
    onChain.connectionFailed(new UpstreamFailure(Kind.HTTP_STATUS, "HTTP 502"));
    assertTrue(
        onChain.breaker().inRotation(),
        "an interrupted wait, a timeout or a status say nothing of its process");
    onChain.connectionFailed(new UpstreamFailure(Kind.CONNECT, "refused"));
    onChain.connectionFailed(new UpstreamFailure(Kind.IO, "reset"));
    assertFalse(onChain.breaker().inRotation());
    assertEquals(
        "connection failed (refused), chain to be seen again", onChain.breaker().lastFailure());
    assertEquals(List.of("eth_chainId"), asks, "asked once while in doubt");
  }

  @Test
  void aHeadGoingBackPutsAVerifiedChainInDoubt() {
    onChain.chainSeen(8453);
    onChain.headWentBack(461, 0);
    assertFalse(onChain.breaker().inRotation());
    assertEquals(
        "head went back from 461 to 0, chain to be seen again", onChain.breaker().lastFailure());
    onChain.chainSeen(8453);
    assertTrue(onChain.breaker().inRotation());
  }

  @Test
  void connectionsFailingAtOnceAskItsChainOnce() throws Exception {
    AtomicInteger asks = new AtomicInteger();
    onChain.onChainDoubted(asks::incrementAndGet);
    try (AtOnce atOnce = new AtOnce(8)) {
      for (int round = 1; round <= 200; round++) {
        onChain.chainSeen(8453);
        atOnce.run(() -> {
          onChain.connectionFailed(new UpstreamFailure(Kind.IO, "reset"));
          return null;
        });
        assertEquals(round, asks.get(), "round " + round);
      }
    }
  }

  @Test
  void attemptsRecordedAtOnceAreAllCounted() throws Exception {
    try (AtOnce atOnce = new AtOnce(8)) {
      atOnce.run(() -> {
        for (int i = 0; i < 1000; i++) {
          u.recordAttempt(100, i % 4 == 0);
          u.hedged();
        }
        return null;
      });
    }
    assertEquals(8000, u.requests());
    assertEquals(2000, u.failures());
    assertEquals(8000, u.hedges());
    assertEquals(100, u.latencyMillis(), 1e-9);
  }
}
