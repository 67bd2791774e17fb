package dev.rpcshield.limit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Charges the bodies of concurrent requests together: while one call to the store behind is in
 * flight, the bodies that arrive queue up, and when it returns one of their own threads takes all
 * of them (up to {@code maxMembers} members) to the store in one call. A request with nothing in
 * flight goes straight through on its own thread, so an idle gateway waits no longer than before;
 * under load, many requests share one Redis script call, one round trip and one pass through the
 * fault-tolerance policies.
 *
 * <p>Exact: every member is still all-or-nothing on its own rules, in arrival order, in one atomic
 * script, so a fleet admits what it would admit with one call per request. If the call fails, every
 * body it carried fails with the same exception.
 */
final class CoalescingLimiterStore implements LimiterStore {
  private final LimiterStore target;
  private final int maxMembers;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushing = new AtomicBoolean();

  /**
   * @param maxMembers members sent in one call at most (a body larger than this goes alone)
   */
  CoalescingLimiterStore(LimiterStore target, int maxMembers) {
    this.target = target;
    this.maxMembers = maxMembers;
  }

  @Override
  public List<Decision> charge(List<List<Rule>> members) {
    Pending mine = new Pending(members);
    queue.add(mine);
    while (!mine.done) {
      if (flushing.compareAndSet(false, true)) {
        try {
          flushOnce();
        } finally {
          flushing.set(false);
        }
        // Whoever queued while this call was in flight parked instead of calling: wake the first.
        Pending next = queue.peek();
        if (next != null) {
          LockSupport.unpark(next.owner);
        }
      } else {
        LockSupport.park(this);
      }
    }
    return mine.result();
  }

  /** Bodies waiting for the call in flight to return. */
  int queued() {
    return queue.size();
  }

  /** Takes queued bodies in order, up to the cap, charges them in one call, and answers each. */
  private void flushOnce() {
    List<Pending> batch = new ArrayList<>();
    List<List<Rule>> all = new ArrayList<>();
    for (Pending p = queue.peek();
        p != null && (batch.isEmpty() || all.size() + p.members.size() <= maxMembers);
        p = queue.peek()) {
      queue.poll();
      batch.add(p);
      all.addAll(p.members);
    }
    if (batch.isEmpty()) {
      return;
    }
    List<Decision> decisions;
    try {
      decisions = target.charge(all);
    } catch (RuntimeException | Error e) {
      for (Pending p : batch) {
        p.fail(e);
      }
      return;
    }
    int at = 0;
    for (Pending p : batch) {
      int n = p.members.size();
      p.complete(List.copyOf(decisions.subList(at, at + n)));
      at += n;
    }
  }

  /** One body waiting for its decisions, and the thread to wake when they are in. */
  private static final class Pending {
    final List<List<Rule>> members;
    final Thread owner = Thread.currentThread();
    private List<Decision> decisions;
    private Throwable error;
    volatile boolean done;

    Pending(List<List<Rule>> members) {
      this.members = members;
    }

    void complete(List<Decision> d) {
      decisions = d;
      done = true;
      LockSupport.unpark(owner);
    }

    void fail(Throwable e) {
      error = e;
      done = true;
      LockSupport.unpark(owner);
    }

    List<Decision> result() {
      if (error instanceof RuntimeException e) {
        throw e;
      }
      if (error instanceof Error e) {
        throw e;
      }
      return decisions;
    }
  }
}
