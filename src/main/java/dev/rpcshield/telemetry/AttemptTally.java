package dev.rpcshield.telemetry;

import java.util.concurrent.atomic.LongAdder;

/**
 * One upstream's attempts since start for the console's charts: how many, how many failed, and
 * their durations counted into the same buckets as the Prometheus histogram (milliseconds, the last
 * bucket unbounded). Written by every attempt, read by the sampler every few seconds.
 */
public final class AttemptTally {
  /** Upper bounds of the buckets, in milliseconds; a last bucket holds everything longer. */
  static final long[] BOUNDS_MILLIS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};

  private final LongAdder attempts = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder[] buckets = new LongAdder[BOUNDS_MILLIS.length + 1];

  public AttemptTally() {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  public void add(boolean failed, long millis) {
    attempts.increment();
    if (failed) {
      failures.increment();
    }
    int i = 0;
    while (i < BOUNDS_MILLIS.length && millis > BOUNDS_MILLIS[i]) {
      i++;
    }
    buckets[i].increment();
  }

  public TrafficHistory.UpstreamTotals totals(String network, String upstream) {
    long[] counts = new long[buckets.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = buckets[i].sum();
    }
    long failed = failures.sum();
    // Read after the failures: an attempt is counted before its failure, so no more failures than
    // attempts are read.
    long all = attempts.sum();
    return new TrafficHistory.UpstreamTotals(network, upstream, all, failed, counts);
  }
}
