package dev.rpcshield.testing;

import dev.rpcshield.upstream.chain.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link Timer} on a {@link MutableClock} that tests drive by hand: a scheduled task runs only
 * when the test moves time past its due time, on the test's thread, with the clock at that time.
 */
public final class ManualTimer implements Timer {

  /** One scheduled task; {@code seq} keeps tasks due at the same time in scheduling order. */
  private record Task(Instant due, long seq, Runnable run) {}

  private final MutableClock clock;
  private final List<Duration> delays = new ArrayList<>();
  private final PriorityQueue<Task> pending =
      new PriorityQueue<>(Comparator.comparing(Task::due).thenComparingLong(Task::seq));
  private long scheduled;

  public ManualTimer(MutableClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Runnable schedule(Duration delay, Runnable task) {
    delays.add(delay);
    Task t = new Task(clock.instant().plus(delay), scheduled++, task);
    pending.add(t);
    return () -> cancel(t);
  }

  private synchronized void cancel(Task t) {
    pending.remove(t);
  }

  /**
   * Moves the clock forward by {@code d}, running each task that falls due on the way (those the
   * tasks schedule too) in due order, the clock standing at its due time while it runs.
   */
  public void advance(Duration d) {
    Instant until = clock.instant().plus(d);
    Task next;
    while ((next = takeDueBy(until)) != null) {
      moveTo(next.due());
      next.run().run();
    }
    moveTo(until);
  }

  /** Moves the clock to the earliest pending task and runs it; false when none is pending. */
  public boolean runNext() {
    Task next;
    synchronized (this) {
      next = pending.poll();
    }
    if (next == null) {
      return false;
    }
    moveTo(next.due());
    next.run().run();
    return true;
  }

  /** Every delay asked for so far, in the order asked (cancelled tasks included). */
  public synchronized List<Duration> delays() {
    return List.copyOf(delays);
  }

  /** Tasks scheduled and neither run nor cancelled yet. */
  public synchronized int pending() {
    return pending.size();
  }

  private synchronized Task takeDueBy(Instant until) {
    Task first = pending.peek();
    return first != null && !first.due().isAfter(until) ? pending.poll() : null;
  }

  private void moveTo(Instant at) {
    if (at.isAfter(clock.instant())) {
      clock.advance(Duration.between(clock.instant(), at));
    }
  }
}
