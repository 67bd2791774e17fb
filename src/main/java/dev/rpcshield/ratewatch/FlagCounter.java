package dev.rpcshield.ratewatch;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts one account's refusals over a rolling window and says once when they cross the threshold.
 * The flag it feeds is set once and cleared only by an operator; nothing here bans.
 */
public final class FlagCounter {
  private final Clock clock;
  private final long threshold;
  private final Duration window;
  private final Map<String, Series> refusals = new ConcurrentHashMap<>();

  /** Refusal times (at most {@code threshold} of them) and whether the series is above it. */
  private static final class Series {
    final Deque<Long> times = new ArrayDeque<>();
    boolean above;
  }

  /**
   * @param threshold refusals within the window that raise the flag (default 1000)
   * @param window the rolling window (default 10 min)
   */
  public FlagCounter(Clock clock, long threshold, Duration window) {
    if (threshold < 1 || window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException(
          "rpcshield.ratewatch.flag-threshold and flag-window must both be positive");
    }
    this.clock = clock;
    this.threshold = threshold;
    this.window = window;
  }

  /**
   * Records a refusal; true when this one takes the account over the threshold (again only after
   * its refusals in the window have dropped below it).
   */
  public boolean refused(String account) {
    long now = clock.millis();
    Series s = refusals.computeIfAbsent(account, a -> new Series());
    synchronized (s) {
      s.times.addLast(now);
      while (!s.times.isEmpty() && s.times.peekFirst() <= now - window.toMillis()) {
        s.times.pollFirst();
      }
      if (s.times.size() > threshold) {
        s.times.pollFirst();
      }
      boolean crossed = s.times.size() >= threshold;
      boolean fire = crossed && !s.above;
      s.above = crossed;
      return fire;
    }
  }
}
