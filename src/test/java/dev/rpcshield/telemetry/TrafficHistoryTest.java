package dev.rpcshield.telemetry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficHistoryTest {
  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

  private static TrafficHistory.Totals totals(
      long calls,
      long failed,
      long hits,
      long misses,
      Map<String, Long> refusals,
      TrafficHistory.UpstreamTotals... upstreams) {
    return new TrafficHistory.Totals(calls, failed, hits, misses, refusals, List.of(upstreams));
  }

  private static TrafficHistory.UpstreamTotals upstream(
      String name, long attempts, long failures, long[] buckets) {
    return new TrafficHistory.UpstreamTotals("main", name, attempts, failures, buckets);
  }

  private static long[] buckets(long... atStart) {
    return Arrays.copyOf(atStart, AttemptTally.BOUNDS_MILLIS.length + 1);
  }

  @Test
  void ratesAndRatiosAreOverEachIntervalBetweenTwoSamples() {
    TrafficHistory h = new TrafficHistory(Duration.ofSeconds(5), 10);
    h.add(T0, totals(100, 1, 10, 10, Map.of("rate", 4L)));
    h.add(T0.plusSeconds(5), totals(150, 6, 40, 20, Map.of("rate", 14L, "monthly", 5L)));

    TrafficHistory.Series s = h.series();
    assertEquals(5, s.intervalSeconds());
    assertEquals(List.of(T0.plusSeconds(5).getEpochSecond()), s.at());
    assertEquals(List.of(10.0), s.requestsPerSecond());
    assertEquals(List.of(0.1), s.errorRatio());
    assertEquals(List.of(0.75), s.cacheHitRatio());
    assertEquals(Map.of("monthly", List.of(1.0), "rate", List.of(2.0)), s.refusalsPerSecond());
  }

  @Test
  void anIntervalWithoutCallsHasNoRatioAndNoPercentile() {
    TrafficHistory h = new TrafficHistory(Duration.ofSeconds(5), 10);
    h.add(T0, totals(7, 1, 3, 3, Map.of(), upstream("p1", 2, 0, buckets(2))));
    h.add(T0.plusSeconds(5), totals(9, 1, 3, 3, Map.of(), upstream("p1", 4, 0, buckets(4))));
    h.add(T0.plusSeconds(10), totals(9, 1, 3, 3, Map.of(), upstream("p1", 4, 0, buckets(4))));

    TrafficHistory.Series s = h.series();
    assertEquals(List.of(0.4, 0.0), s.requestsPerSecond());
    assertNull(s.errorRatio().get(1));
    assertNull(s.cacheHitRatio().get(1));
    TrafficHistory.UpstreamSeries p1 = s.upstreams().get(0);
    assertEquals(List.of(0.4, 0.0), p1.requestsPerSecond());
    assertNull(p1.errorRatio().get(1));
    assertNull(p1.p50Ms().get(1));
    assertNull(p1.p99Ms().get(1));
  }

  @Test
  void anUpstreamWithoutAnyAttemptInTheWindowIsLeftOut() {
    TrafficHistory h = new TrafficHistory(Duration.ofSeconds(5), 10);
    h.add(T0, totals(0, 0, 0, 0, Map.of(), upstream("gone", 9, 0, buckets(9))));
    h.add(T0.plusSeconds(5), totals(0, 0, 0, 0, Map.of(), upstream("gone", 9, 0, buckets(9))));
    assertEquals(List.of(), h.series().upstreams());
  }

  @Test
  void upstreamPercentilesComeFromTheIntervalsBucketsOnly() {
    TrafficHistory h = new TrafficHistory(Duration.ofSeconds(5), 10);
    // Before: 100 fast attempts (under 1 ms). In the interval: 10 attempts of 5 to 10 ms, 2 failed.
    h.add(T0, totals(0, 0, 0, 0, Map.of(), upstream("p1", 100, 0, buckets(100))));
    h.add(
        T0.plusSeconds(5),
        totals(0, 0, 0, 0, Map.of(), upstream("p1", 110, 2, buckets(100, 0, 0, 10))));

    TrafficHistory.UpstreamSeries p1 = h.series().upstreams().get(0);
    assertEquals("main", p1.network());
    assertEquals("p1", p1.name());
    assertEquals(List.of(2.0), p1.requestsPerSecond());
    assertEquals(List.of(0.2), p1.errorRatio());
    assertEquals(7.5, p1.p50Ms().get(0), 1e-9);
    assertEquals(9.95, p1.p99Ms().get(0), 1e-9);
  }

  @Test
  void quantileInterpolatesInsideItsBucketAndStopsAtTheHighestBound() {
    assertNull(TrafficHistory.quantile(buckets(), 0.5));
    assertEquals(0.5, TrafficHistory.quantile(buckets(4), 0.5), 1e-9);
    // 90 under 1 ms, 10 in (1, 2]: the p99 is 1.9 ms.
    assertEquals(1.9, TrafficHistory.quantile(buckets(90, 10), 0.99), 1e-9);
    long[] slow = buckets();
    slow[slow.length - 1] = 3;
    assertEquals(10_000.0, TrafficHistory.quantile(slow, 0.5), 1e-9);
  }

  @Test
  void anUpstreamFirstSeenLaterHasZeroAttemptsBeforeAndCountsFromZero() {
    TrafficHistory h = new TrafficHistory(Duration.ofSeconds(5), 10);
    h.add(T0, totals(0, 0, 0, 0, Map.of()));
    h.add(T0.plusSeconds(5), totals(0, 0, 0, 0, Map.of()));
    h.add(T0.plusSeconds(10), totals(0, 0, 0, 0, Map.of(), upstream("p2", 10, 5, buckets(10))));

    TrafficHistory.UpstreamSeries p2 = h.series().upstreams().get(0);
    assertEquals(List.of(0.0, 2.0), p2.requestsPerSecond());
    assertEquals(0.5, p2.errorRatio().get(1));
  }

  @Test
  void keepsTheLastPointsIntervalsOnly() {
    TrafficHistory h = new TrafficHistory(Duration.ofSeconds(5), 3);
    for (int i = 0; i < 6; i++) {
      h.add(T0.plusSeconds(5L * i), totals(10L * i * i, 0, 0, 0, Map.of()));
    }
    TrafficHistory.Series s = h.series();
    assertEquals(
        List.of(
            T0.plusSeconds(15).getEpochSecond(),
            T0.plusSeconds(20).getEpochSecond(),
            T0.plusSeconds(25).getEpochSecond()),
        s.at());
    // calls 40, 90, 160, 250 at 10, 15, 20, 25 s: 50, 70 and 90 per 5 s.
    assertEquals(List.of(10.0, 14.0, 18.0), s.requestsPerSecond());
  }

  @Test
  void aTallyCountsDurationsIntoTheHistogramsBuckets() {
    AttemptTally t = new AttemptTally();
    t.add(false, 0);
    t.add(false, 1);
    t.add(true, 2);
    t.add(false, 3);
    t.add(false, 10_000);
    t.add(true, 10_001);
    TrafficHistory.UpstreamTotals u = t.totals("main", "p1");
    assertEquals(6, u.attempts());
    assertEquals(2, u.failures());
    long[] expected = buckets(2, 1, 1);
    expected[AttemptTally.BOUNDS_MILLIS.length - 1] = 1;
    expected[AttemptTally.BOUNDS_MILLIS.length] = 1;
    assertArrayEquals(expected, u.buckets());
  }
}
