package dev.rpcshield.ratewatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RatewatchRulesTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

  @Test
  void episodesAreBoundedAndEvictTheLeastRecentlyThrottled() {
    EpisodeWindow w = new EpisodeWindow(clock, 3, Duration.ofHours(1));
    w.record("ip", "a");
    clock.advance(Duration.ofSeconds(1));
    w.record("ip", "b");
    clock.advance(Duration.ofSeconds(1));
    w.record("ip", "c");
    clock.advance(Duration.ofSeconds(1));
    w.record("ip", "a");
    clock.advance(Duration.ofSeconds(1));
    w.record("ip", "d");
    List<Episode> e = w.episodes();
    assertEquals(List.of("d", "a", "c"), e.stream().map(Episode::key).toList());
    assertEquals(2, e.get(1).count());
  }

  @Test
  void episodesLastAnHourAfterTheirLastRefusal() {
    EpisodeWindow w = new EpisodeWindow(clock, 200, Duration.ofHours(1));
    w.record("user", "x");
    clock.advance(Duration.ofMinutes(59));
    assertEquals(1, w.episodes().size());
    clock.advance(Duration.ofMinutes(2));
    assertTrue(w.episodes().isEmpty());
  }

  @Test
  void flagFiresOnceWhenTheThresholdIsCrossedWithinTheWindow() {
    FlagCounter f = new FlagCounter(clock, () -> new FlagRule(5, Duration.ofMinutes(10)));
    for (int i = 0; i < 4; i++) {
      assertFalse(f.refused("acct"));
    }
    assertTrue(f.refused("acct"), "the fifth refusal crosses");
    for (int i = 0; i < 50; i++) {
      assertFalse(f.refused("acct"), "a sustained episode does not fire again");
    }
  }

  @Test
  void refusalsSpreadBeyondTheWindowNeverFlag() {
    FlagCounter f = new FlagCounter(clock, () -> new FlagRule(3, Duration.ofMinutes(10)));
    for (int i = 0; i < 20; i++) {
      assertFalse(f.refused("acct"));
      clock.advance(Duration.ofMinutes(5));
    }
  }

  @Test
  void thresholdAndWindowMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new FlagRule(0, Duration.ofMinutes(1)));
    assertThrows(IllegalArgumentException.class, () -> new FlagRule(1, Duration.ZERO));
  }

  @Test
  void aReconfiguredRuleAppliesToTheNextRefusal() {
    AtomicReference<FlagRule> rule = new AtomicReference<>(new FlagRule(5, Duration.ofMinutes(10)));
    FlagCounter f = new FlagCounter(clock, rule::get);
    assertFalse(f.refused("acct"));
    assertFalse(f.refused("acct"));
    rule.set(new FlagRule(3, Duration.ofMinutes(10)));
    assertTrue(f.refused("acct"), "the third refusal crosses the lowered threshold");
  }
}
