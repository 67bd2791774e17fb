package dev.rpcshield.ratewatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every {@link RatewatchStore} does, run against each implementation. */
abstract class RatewatchStoreContract {

  /** A fresh store with these bounds and a retention of one hour. */
  abstract RatewatchStore store(int maxSeries, long threshold, Duration flagWindow);

  /** Lets {@code d} pass on the store's clock. */
  abstract void pass(Duration d);

  @Test
  void refusalsAddUpPerSeries() {
    RatewatchStore s = store(200, 1000, Duration.ofMinutes(10));
    s.add(Map.of("user|a", 6L, "ip|10.0.0.1", 1L), Map.of());
    s.add(Map.of("user|a", 5L), Map.of());
    List<Episode> episodes = s.episodes(Instant.now());
    assertEquals(2, episodes.size(), episodes.toString());
    Episode a = episodes.stream().filter(e -> e.key().equals("a")).findFirst().orElseThrow();
    assertEquals("user", a.refusalClass());
    assertEquals(11, a.count());
  }

  @Test
  void theFlagFiresWhenTheThresholdIsCrossedAndNotAgainWhileAbove() {
    RatewatchStore s = store(200, 10, Duration.ofMinutes(10));
    assertEquals(List.of(), s.add(Map.of(), Map.of("a", 6L)));
    assertEquals(List.of("a"), s.add(Map.of(), Map.of("a", 5L)), "11 >= 10");
    assertEquals(List.of(), s.add(Map.of(), Map.of("a", 50L)), "once while above");
    assertEquals(List.of(), s.add(Map.of(), Map.of("b", 9L)), "each account counts on its own");
  }

  @Test
  void atMostMaxSeriesAreKeptTheLeastRecentlyThrottledGoFirst() {
    RatewatchStore s = store(3, 1000, Duration.ofMinutes(10));
    for (int i = 0; i < 5; i++) {
      s.add(Map.of("ip|10.0.0." + i, 1L), Map.of());
      pass(Duration.ofMillis(2));
    }
    List<String> keys = s.episodes(Instant.now()).stream().map(Episode::key).toList();
    assertEquals(List.of("10.0.0.4", "10.0.0.3", "10.0.0.2"), keys);
  }

  @Test
  void refusalsOlderThanTheFlagWindowDoNotCount() {
    RatewatchStore s = store(200, 10, Duration.ofMillis(600));
    s.add(Map.of(), Map.of("b", 9L));
    pass(Duration.ofMillis(700));
    assertEquals(List.of(), s.add(Map.of(), Map.of("b", 9L)), "the first nine left the window");
    assertEquals(List.of("b"), s.add(Map.of(), Map.of("b", 1L)), "ten within it");
  }
}
