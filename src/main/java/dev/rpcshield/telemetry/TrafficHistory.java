package dev.rpcshield.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The last minutes of this instance's traffic, for the console's charts: the sampler adds the
 * running totals every interval, and {@link #series()} turns each pair of neighbouring samples into
 * rates, ratios and latency percentiles over that interval. Holds {@code points + 1} samples; the
 * oldest goes when a new one comes. An upstream with no attempt in the window (idle, or taken away
 * by a reload) is left out.
 */
public final class TrafficHistory {
  /**
   * Running totals at one moment: answered calls and those the gateway failed to answer, cache hits
   * and misses, refusals by class, and every upstream's attempts.
   */
  public record Totals(
      long calls,
      long failed,
      long cacheHits,
      long cacheMisses,
      Map<String, Long> refusals,
      List<UpstreamTotals> upstreams) {}

  /** One upstream's running attempt totals, with durations per {@link AttemptTally} bucket. */
  public record UpstreamTotals(
      String network, String name, long attempts, long failures, long[] buckets) {}

  /**
   * The charts' data, one value per interval in every list, {@code at} in seconds since the epoch
   * at the interval's end; a ratio or percentile over an interval without calls is null.
   */
  public record Series(
      long intervalSeconds,
      List<Long> at,
      List<Double> requestsPerSecond,
      List<Double> errorRatio,
      List<Double> cacheHitRatio,
      Map<String, List<Double>> refusalsPerSecond,
      List<UpstreamSeries> upstreams) {}

  /** One upstream's attempts per second, failed share, and p50 and p99 in milliseconds. */
  public record UpstreamSeries(
      String network,
      String name,
      List<Double> requestsPerSecond,
      List<Double> errorRatio,
      List<Double> p50Ms,
      List<Double> p99Ms) {}

  private record Sample(Instant at, Totals totals) {}

  private static final UpstreamTotals NONE =
      new UpstreamTotals("", "", 0, 0, new long[AttemptTally.BOUNDS_MILLIS.length + 1]);

  private final Duration interval;
  private final int points;
  private final AtomicReference<List<Sample>> samples = new AtomicReference<>(List.of());

  public TrafficHistory(Duration interval, int points) {
    this.interval = interval;
    this.points = points;
  }

  /** Adds the totals read at {@code at}. Only the sampler calls it, one sample at a time. */
  public void add(Instant at, Totals totals) {
    List<Sample> before = samples.get();
    int from = Math.max(0, before.size() - points);
    List<Sample> next = new ArrayList<>(before.subList(from, before.size()));
    next.add(new Sample(at, totals));
    samples.set(List.copyOf(next));
  }

  public Series series() {
    List<Sample> s = samples.get();
    List<Long> at = new ArrayList<>();
    List<Double> rps = new ArrayList<>();
    List<Double> errors = new ArrayList<>();
    List<Double> hits = new ArrayList<>();
    Map<String, List<Double>> refusals = new TreeMap<>();
    TreeSet<String> classes = new TreeSet<>();
    Map<String, UpstreamSeries> upstreams = new TreeMap<>();
    for (Sample x : s) {
      classes.addAll(x.totals().refusals().keySet());
      for (UpstreamTotals u : x.totals().upstreams()) {
        upstreams.computeIfAbsent(
            key(u),
            k ->
                new UpstreamSeries(
                    u.network(),
                    u.name(),
                    new ArrayList<>(),
                    new ArrayList<>(),
                    new ArrayList<>(),
                    new ArrayList<>()));
      }
    }
    classes.forEach(c -> refusals.put(c, new ArrayList<>()));
    for (int i = 1; i < s.size(); i++) {
      Totals a = s.get(i - 1).totals();
      Totals b = s.get(i).totals();
      double seconds =
          Math.max(0.001, Duration.between(s.get(i - 1).at(), s.get(i).at()).toMillis() / 1000.0);
      at.add(s.get(i).at().getEpochSecond());
      long calls = b.calls() - a.calls();
      rps.add(calls / seconds);
      errors.add(ratio(b.failed() - a.failed(), calls));
      long hit = b.cacheHits() - a.cacheHits();
      hits.add(ratio(hit, hit + b.cacheMisses() - a.cacheMisses()));
      for (String c : classes) {
        long n = b.refusals().getOrDefault(c, 0L) - a.refusals().getOrDefault(c, 0L);
        refusals.get(c).add(n / seconds);
      }
      Map<String, UpstreamTotals> before = byKey(a.upstreams());
      Map<String, UpstreamTotals> after = byKey(b.upstreams());
      for (Map.Entry<String, UpstreamSeries> e : upstreams.entrySet()) {
        UpstreamTotals ua = before.getOrDefault(e.getKey(), NONE);
        UpstreamTotals ub = after.getOrDefault(e.getKey(), ua);
        long attempts = ub.attempts() - ua.attempts();
        long[] counts = new long[ub.buckets().length];
        for (int j = 0; j < counts.length; j++) {
          counts[j] = ub.buckets()[j] - ua.buckets()[j];
        }
        UpstreamSeries out = e.getValue();
        out.requestsPerSecond().add(attempts / seconds);
        out.errorRatio().add(ratio(ub.failures() - ua.failures(), attempts));
        out.p50Ms().add(quantile(counts, 0.5));
        out.p99Ms().add(quantile(counts, 0.99));
      }
    }
    List<UpstreamSeries> attempted = new ArrayList<>();
    for (UpstreamSeries u : upstreams.values()) {
      if (u.requestsPerSecond().stream().anyMatch(r -> r > 0)) {
        attempted.add(u);
      }
    }
    return new Series(interval.toSeconds(), at, rps, errors, hits, refusals, attempted);
  }

  private static String key(UpstreamTotals u) {
    return u.network() + '\u0000' + u.name();
  }

  private static Map<String, UpstreamTotals> byKey(List<UpstreamTotals> list) {
    Map<String, UpstreamTotals> out = new TreeMap<>();
    list.forEach(u -> out.put(key(u), u));
    return out;
  }

  private static Double ratio(long part, long whole) {
    return whole <= 0 ? null : (double) part / whole;
  }

  /**
   * The {@code q} quantile of durations counted per bucket, interpolated inside its bucket as
   * Prometheus' {@code histogram_quantile} does (the last bucket's answer is the highest bound);
   * null without any.
   */
  static Double quantile(long[] counts, double q) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total <= 0) {
      return null;
    }
    long[] bounds = AttemptTally.BOUNDS_MILLIS;
    double rank = q * total;
    long below = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0 && below + counts[i] >= rank) {
        if (i == bounds.length) {
          return (double) bounds[bounds.length - 1];
        }
        double lower = i == 0 ? 0 : bounds[i - 1];
        return lower + (bounds[i] - lower) * (rank - below) / counts[i];
      }
      below += counts[i];
    }
    return (double) bounds[bounds.length - 1];
  }
}
