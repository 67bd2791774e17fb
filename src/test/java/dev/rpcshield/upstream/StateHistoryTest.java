package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rpcshield.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StateHistoryTest {
  private static final Duration RECHECK = Duration.ofMinutes(10);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
  private final StateHistory history = new StateHistory(clock);

  @Test
  void anArchiveThatShowedNothingServesEveryBlock() {
    assertEquals(0, history.from(5000, 0, RECHECK));
    assertEquals(0, history.from(-1, 128, RECHECK), "nothing is known before its head is");
  }

  @Test
  void theConfiguredRecentBlocksCountFromItsHead() {
    assertEquals(4873, history.from(5000, 128, RECHECK));
    assertEquals(0, history.from(100, 128, RECHECK));
  }

  @Test
  void whatItShowedIsADepthBelowItsHeadKeptUntilTheRecheck() {
    history.lacked(4000, 5000, RECHECK);
    assertEquals(4001, history.from(5000, 0, RECHECK));
    assertEquals(4101, history.from(5100, 0, RECHECK));
    assertEquals(4873, history.from(5000, 128, RECHECK), "the stricter of the two");
    history.lacked(4500, 5000, RECHECK);
    assertEquals(4501, history.from(5000, 0, RECHECK), "a shallower lack narrows it");
    history.lacked(3000, 5000, RECHECK);
    assertEquals(4501, history.from(5000, 0, RECHECK), "a deeper one says nothing new");
    clock.advance(RECHECK);
    assertEquals(0, history.from(5000, 0, RECHECK));
  }

  @Test
  void aBlockCloseToItsHeadShowsLagNotPruning() {
    history.lacked(5000 - StateHistory.MIN_DEPTH + 1, 5000, RECHECK);
    history.lacked(5000, 5000, RECHECK);
    history.lacked(6000, 5000, RECHECK);
    history.lacked(10, -1, RECHECK);
    assertEquals(0, history.from(5000, 0, RECHECK));
  }
}
