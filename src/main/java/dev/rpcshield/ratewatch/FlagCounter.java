package dev.rpcshield.ratewatch;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Counts one account's refusals over a rolling window and says once when they cross the threshold.
 * The flag it feeds is set once and cleared only by an operator; nothing here bans.
 */
public final class FlagCounter {
  private final Clock clock;
  private final Supplier<FlagRule> rule;
  private final Map<String, Series> refusals = new ConcurrentHashMap<>();

  /** Refusal times (at most {@code threshold} of them) and whether the series is above it. */
  private static final class Series {
    final Deque<Long> times = new ArrayDeque<>();
    boolean above;
  }

  /**
   * @param rule the refusals within a window that raise the flag (default 1000 in 10 min), as
   *     configured now
   */
  public FlagCounter(Clock clock, Supplier<FlagRule> rule) {
    this.clock = clock;
    this.rule = rule;
  }

  /**
   * Records a refusal; true when this one takes the account over the threshold (again only after
   * its refusals in the window have dropped below it).
   */
  public boolean refused(String account) {
    long now = clock.millis();
    FlagRule r = rule.get();
    long threshold = r.threshold();
    Duration window = r.window();
    Series s = refusals.computeIfAbsent(account, a -> new Series());
    synchronized (s) {
      s.times.addLast(now);
      while (!s.times.isEmpty() && s.times.peekFirst() <= now - window.toMillis()) {
        s.times.pollFirst();
      }
      while (s.times.size() > threshold) {
        s.times.pollFirst();
      }
      boolean crossed = s.times.size() >= threshold;
      boolean fire = crossed && !s.above;
      s.above = crossed;
      return fire;
    }
  }
}
