package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadTrackerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final HeadTracker tracker = new HeadTracker(clock, 5, 2, 2, Duration.ofSeconds(60));
  private final Upstream a = upstream("a");
  private final Upstream b = upstream("b");
  private final List<Upstream> all = List.of(a, b);

  private Upstream upstream(String name) {
    return new Upstream(
        UpstreamSettings.of(name, URI.create("http://127.0.0.1:1")),
        new CircuitBreaker(clock, 3, Duration.ofSeconds(10)),
        clock);
  }

  private void heads(long ha, long hb) {
    a.head().observe(ha, -1, -1, clock.instant());
    b.head().observe(hb, -1, -1, clock.instant());
    tracker.evaluate(all);
  }

  @Test
  void smallLagNeverTakesAnUpstreamOut() {
    for (int i = 0; i < 10; i++) {
      heads(100 + i, 102 + i);
      assertFalse(a.head().lagging());
    }
    assertEquals(List.of(a, b), tracker.arrange(List.of(a, b), BlockRequirement.HEAD));
  }

  @Test
  void lagBeyondTheLimitNeedsConfirmationAndRecoveryNeedsToCatchUpClosely() {
    heads(100, 110);
    assertFalse(a.head().lagging(), "one observation is not enough");
    heads(100, 110);
    assertTrue(a.head().lagging());
    assertEquals(List.of(b, a), tracker.arrange(List.of(a, b), BlockRequirement.HEAD));
    heads(106, 110);
    assertTrue(a.head().lagging(), "4 behind: under the limit but not yet recovered");
    heads(108, 110);
    assertFalse(a.head().lagging());
  }

  @Test
  void leavingAndReturningAreEachReportedOnce() {
    List<String> changes = new ArrayList<>();
    tracker.listen((upstream, from, to, reason) ->
        changes.add(upstream + " " + from + "->" + to + ": " + reason));
    heads(100, 110);
    heads(100, 110);
    heads(100, 110);
    heads(106, 110);
    heads(108, 110);
    heads(109, 110);
    assertEquals(
        List.of(
            "a SYNCED->LAGGING: 10 blocks behind (head 100, best 110)",
            "a LAGGING->SYNCED: 2 blocks behind (head 108, best 110)"),
        changes);
  }

  @Test
  void aFlappingLagDoesNotConfirm() {
    heads(100, 110);
    heads(109, 110);
    heads(100, 110);
    assertFalse(a.head().lagging());
  }

  @Test
  void aStalledHeadIsTakenOutWhileOthersAdvance() {
    heads(100, 100);
    clock.advance(Duration.ofSeconds(61));
    b.head().observe(103, -1, -1, clock.instant());
    tracker.evaluate(all);
    tracker.evaluate(all);
    assertTrue(a.head().lagging(), "3 behind and unmoved for 61 s");
  }

  @Test
  void anUpstreamOutOfRotationDoesNotSetTheBestHead() {
    b.breaker().open();
    heads(100, 200);
    assertEquals(100, tracker.bestHead(all));
    heads(100, 200);
    assertFalse(a.head().lagging());
  }

  @Test
  void whenEveryoneLagsTheBestStillServesFirst() {
    Upstream c = upstream("c");
    heads(100, 104);
    c.head().observe(110, -1, -1, clock.instant());
    List<Upstream> three = List.of(a, b, c);
    tracker.evaluate(three);
    tracker.evaluate(three);
    c.breaker().open();
    assertEquals(List.of(b, a), tracker.arrange(List.of(a, b), BlockRequirement.HEAD));
  }

  @Test
  void theStateOfAnOldBlockGoesFirstToThoseThatKeepIt() {
    heads(200, 200);
    a.lackedState(100);
    assertEquals(101, a.stateFrom());
    assertEquals(List.of(b, a), tracker.arrange(List.of(a, b), new BlockRequirement(true, 90, 90)));
    assertEquals(
        List.of(a, b), tracker.arrange(List.of(a, b), new BlockRequirement(true, 150, 150)));
    assertEquals(
        List.of(a, b),
        tracker.arrange(List.of(a, b), new BlockRequirement(true, 90)),
        "a block's header is no state");
  }

  @Test
  void aNamedBlockGoesOnlyWhereItExists() {
    heads(100, 103);
    assertEquals(List.of(b), tracker.arrange(List.of(a, b), new BlockRequirement(true, 102)));
    assertEquals(
        List.of(a, b),
        tracker.arrange(List.of(a, b), new BlockRequirement(true, 500)),
        "nobody has it: ask in the usual order");
    assertEquals(List.of(a, b), tracker.arrange(List.of(a, b), BlockRequirement.NONE));
  }

  @Test
  void blockNumberIsRaisedToTheBestHeadAndNeverGoesBack() {
    heads(100, 103);
    assertEquals(103, tracker.blockNumberToServe(100, all));
    heads(90, 95);
    assertEquals(103, tracker.blockNumberToServe(95, all));
    assertEquals(120, tracker.blockNumberToServe(120, all));
  }

  @Test
  void numbersServedAreForgottenWhenTheyMayHaveBeenAnotherChains() {
    heads(100, 100_000);
    assertEquals(100_000, tracker.blockNumberToServe(100, all));
    b.breaker().open();
    tracker.forgetServed();
    assertEquals(100, tracker.blockNumberToServe(100, all), "b, out, showed another chain's head");
  }
}
