package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.AtOnce;
import dev.rpcshield.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final CircuitBreaker breaker = new CircuitBreaker(clock, 3, Duration.ofSeconds(10));
  private final List<String> changes = new ArrayList<>();

  {
    breaker.listen((from, to, reason) -> changes.add(from + "->" + to + " " + reason));
  }

  @Test
  void opensAfterConsecutiveFailuresAndClosesOnASuccessfulProbe() {
    breaker.onFailure("HTTP 502");
    breaker.onSuccess();
    breaker.onFailure("HTTP 502");
    breaker.onFailure("HTTP 502");
    assertTrue(breaker.inRotation(), "a success in between resets the count");
    breaker.onFailure("timeout");
    assertFalse(breaker.inRotation());
    assertFalse(breaker.probeDue(), "not before the out-of-service interval");
    clock.advance(Duration.ofSeconds(10));
    assertTrue(breaker.probeDue());
    breaker.onFailure("probe failed");
    breaker.onSuccess();
    assertFalse(breaker.inRotation(), "a late answer to a call sent before it left");
    clock.advance(Duration.ofSeconds(10));
    assertTrue(breaker.probeDue());
    breaker.onSuccess();
    assertFalse(breaker.inRotation(), "only the probe decides");
    breaker.probeSucceeded();
    assertTrue(breaker.inRotation());
    assertEquals(
        List.of("CLOSED->OPEN timeout", "OPEN->CLOSED "),
        changes,
        "probe cycles are not state changes");
  }

  @Test
  void anOperatorsHoldIsAStateOfItsOwn() {
    breaker.hold();
    assertFalse(breaker.inRotation());
    assertEquals("HELD", breaker.shownState());
    breaker.onSuccess();
    assertFalse(breaker.inRotation(), "traffic does not end a hold");
    breaker.probeSucceeded();
    assertFalse(breaker.inRotation(), "nor does a probe");
    breaker.release();
    assertTrue(breaker.inRotation());
    assertEquals(
        List.of("CLOSED->HELD held by an operator", "HELD->CLOSED released by an operator"),
        changes);
  }

  @Test
  void onANetworkWithAChainIdItServesOnlyWhileSeenOnThatChain() {
    breaker.requireChain();
    assertFalse(breaker.inRotation(), "no traffic before its chain is known");
    assertEquals("UNVERIFIED", breaker.shownState());
    breaker.chainSeen(true, "on chain 8453");
    assertTrue(breaker.inRotation());
    breaker.chainSeen(false, "on chain 1 but its network is chain 8453");
    assertFalse(breaker.inRotation());
    assertEquals("WRONG_CHAIN", breaker.shownState());
    assertEquals("on chain 1 but its network is chain 8453", breaker.lastFailure());
    breaker.onSuccess();
    breaker.probeSucceeded();
    assertFalse(breaker.inRotation(), "answering is not enough on the wrong chain");
    breaker.chainSeen(true, "on chain 8453");
    assertTrue(breaker.inRotation(), "a fixed upstream comes back by itself");
    assertEquals(
        List.of(
            "UNVERIFIED->CLOSED on chain 8453",
            "CLOSED->WRONG_CHAIN on chain 1 but its network is chain 8453",
            "WRONG_CHAIN->CLOSED on chain 8453"),
        changes);
  }

  @Test
  void withoutAChainIdNothingIsChecked() {
    breaker.chainSeen(false, "on chain 1");
    assertTrue(breaker.inRotation());
    assertEquals(CircuitBreaker.Chain.UNCHECKED, breaker.chain());
  }

  @Test
  void onlyAChainSeenRightBeforeIsToldAsTurnedAndADoubtKeepsThat() {
    breaker.requireChain();
    assertFalse(breaker.chainSeen(false, "on chain 1"), "never seen on its own chain");
    assertFalse(breaker.chainSeen(true, "on chain 8453"));
    breaker.chainInDoubt("connection failed");
    assertEquals(CircuitBreaker.Chain.UNVERIFIED, breaker.chain());
    assertFalse(breaker.inRotation());
    assertTrue(breaker.polled(), "the head poll still asks it");
    assertTrue(breaker.chainSeen(false, "on chain 1"), "it served on its chain before");
    assertFalse(breaker.chainSeen(false, "on chain 1"), "told once");
    breaker.chainInDoubt("connection failed");
    assertEquals(CircuitBreaker.Chain.WRONG_CHAIN, breaker.chain(), "a doubt moves only VERIFIED");
  }

  @Test
  void onlyAVerifiedChainIsPutInDoubtAndOnlyThatDoubtIsAwaited() {
    breaker.requireChain();
    assertFalse(breaker.chainInDoubt("connection failed"), "never verified");
    breaker.chainSeen(true, "on chain 8453");
    assertFalse(breaker.awaitingChain());
    assertTrue(breaker.chainInDoubt("connection failed"));
    assertTrue(breaker.awaitingChain(), "back once its chain is seen");
    assertFalse(breaker.chainInDoubt("connection failed"), "already in doubt");
    breaker.hold();
    assertFalse(breaker.awaitingChain(), "held");
    breaker.release();
    breaker.open();
    assertFalse(breaker.awaitingChain(), "out for failures: only a probe brings it back");
  }

  @Test
  void onlyWhatOperatorsSeeChangingIsTold() {
    breaker.hold();
    breaker.open();
    assertEquals("HELD", breaker.shownState());
    breaker.release();
    breaker.release();
    assertEquals("OPEN", breaker.shownState());
    assertEquals(
        List.of("CLOSED->HELD held by an operator", "HELD->OPEN released by an operator"),
        changes,
        "a hold hides the opening, and a second release changes nothing");
  }

  @Test
  void aTripWhileItsChainIsUnverifiedIsToldWhenTheChainIsSeen() {
    breaker.requireChain();
    assertTrue(breaker.trip("unresponsive: no answer for 1500 ms"));
    assertEquals("UNVERIFIED", breaker.shownState());
    breaker.chainSeen(true, "on chain 8453");
    assertEquals("OPEN", breaker.shownState());
    assertEquals(List.of("UNVERIFIED->OPEN on chain 8453"), changes);
  }

  @Test
  void failuresRecordedAtOnceAreAllCounted() throws Exception {
    int threads = 8;
    int each = 500;
    CircuitBreaker shared = new CircuitBreaker(clock, threads * each, Duration.ofSeconds(10));
    Queue<String> told = listenTo(shared);
    try (AtOnce atOnce = new AtOnce(threads)) {
      atOnce.run(() -> {
        for (int i = 0; i < each; i++) {
          shared.onFailure("HTTP 502");
        }
        return null;
      });
    }
    assertFalse(shared.inRotation(), "only the last of 4000 failures reaches the threshold");
    assertEquals(List.of("CLOSED->OPEN HTTP 502"), List.copyOf(told));
  }

  @Test
  void aBreakerOpenedByManyThreadsAtOnceIsToldOnce() throws Exception {
    try (AtOnce atOnce = new AtOnce(8)) {
      for (int round = 0; round < 200; round++) {
        CircuitBreaker shared = new CircuitBreaker(clock, 3, Duration.ofSeconds(10));
        Queue<String> told = listenTo(shared);
        atOnce.run(() -> {
          shared.onFailure("timeout");
          return null;
        });
        assertEquals(List.of("CLOSED->OPEN timeout"), List.copyOf(told), "round " + round);
      }
    }
  }

  @Test
  void aDueProbeAndATripGoToOneCallerOnly() throws Exception {
    Queue<String> told = listenTo(breaker);
    try (AtOnce atOnce = new AtOnce(8)) {
      for (int round = 0; round < 200; round++) {
        List<Boolean> tripped = atOnce.run(() -> breaker.trip("unresponsive"));
        assertEquals(1, tripped.stream().filter(t -> t).count(), "round " + round);
        clock.advance(Duration.ofSeconds(10));
        List<Boolean> due = atOnce.run(breaker::probeDue);
        assertEquals(1, due.stream().filter(d -> d).count(), "round " + round);
        breaker.probeSucceeded();
        assertEquals(2 * (round + 1), told.size(), "one out and one back per round");
      }
    }
  }

  @Test
  void holdsAndReleasesRacingAreEachToldOnce() throws Exception {
    Queue<String> told = listenTo(breaker);
    try (AtOnce atOnce = new AtOnce(8)) {
      for (int round = 0; round < 200; round++) {
        atOnce.run(() -> {
          breaker.hold();
          return null;
        });
        atOnce.run(() -> {
          breaker.release();
          return null;
        });
        assertEquals(2 * (round + 1), told.size(), "round " + round);
      }
    }
    assertEquals(
        List.of("CLOSED->HELD held by an operator", "HELD->CLOSED released by an operator"),
        List.copyOf(told).subList(0, 2));
  }

  private static Queue<String> listenTo(CircuitBreaker b) {
    Queue<String> told = new ConcurrentLinkedQueue<>();
    b.listen((from, to, reason) -> told.add(from + "->" + to + " " + reason));
    return told;
  }
}
