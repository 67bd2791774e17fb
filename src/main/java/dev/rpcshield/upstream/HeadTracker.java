package dev.rpcshield.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps every upstream's chain head and decides which upstreams are too far behind to serve
 * head-sensitive calls. Rules, with hysteresis so normal propagation never causes flapping:
 *
 * <ul>
 *   <li>An upstream is out when it is more than {@code maxLag} blocks behind the best head of the
 *       upstreams in rotation on {@code confirmations} consecutive evaluations, or when its head
 *       has not moved for {@code stallTimeout} while the best head is ahead of it.
 *   <li>It is back when it is at most {@code recoverLag} blocks behind.
 *   <li>Lagging upstreams are not dropped: they go to the end of the order, best head first, so
 *       when every upstream lags the best of them still serves.
 *   <li>A call naming a block goes only to upstreams whose head has reached it, unless none has.
 * </ul>
 *
 * This view is per instance: each gateway polls its upstreams itself.
 */
public final class HeadTracker {
  private final Clock clock;
  private final long maxLag;
  private final long recoverLag;
  private final int confirmations;
  private final Duration stallTimeout;
  private final AtomicLong highestServed = new AtomicLong(-1);

  /**
   * @param maxLag blocks behind the best head that take an upstream out (default 5)
   * @param recoverLag blocks behind at which it returns (default 2)
   * @param confirmations consecutive lagging evaluations before it leaves (default 2)
   * @param stallTimeout a head that does not move for this long while others advance is out
   *     (default 60 s)
   */
  public HeadTracker(
      Clock clock, long maxLag, long recoverLag, int confirmations, Duration stallTimeout) {
    if (maxLag < 1 || recoverLag < 0 || recoverLag >= maxLag || confirmations < 1) {
      throw new IllegalArgumentException(
          "head tracking needs max-lag-blocks >= 1, 0 <= recover-lag-blocks < max-lag-blocks");
    }
    this.clock = clock;
    this.maxLag = maxLag;
    this.recoverLag = recoverLag;
    this.confirmations = confirmations;
    this.stallTimeout = stallTimeout;
  }

  /** The highest head among upstreams in rotation, or -1 when none is known. */
  public long bestHead(List<Upstream> upstreams) {
    long best = -1;
    for (Upstream u : upstreams) {
      if (u.breaker().inRotation()) {
        best = Math.max(best, u.head().latest());
      }
    }
    return best;
  }

  /** Told when an upstream starts or stops lagging: (upstream, from, to, reason). */
  @FunctionalInterface
  public interface LagListener {
    void changed(String upstream, String from, String to, String reason);
  }

  private volatile LagListener listener = (upstream, from, to, reason) -> {};

  public void listen(LagListener next) {
    this.listener = next;
  }

  private static String describe(long lag, long head, long best, boolean stalled) {
    return lag
        + " blocks behind (head "
        + head
        + ", best "
        + best
        + ")"
        + (stalled ? ", head not moving" : "");
  }

  /** Re-decides which upstreams lag, after new head observations. */
  public void evaluate(List<Upstream> upstreams) {
    long best = bestHead(upstreams);
    if (best < 0) {
      return;
    }
    Instant now = clock.instant();
    for (Upstream u : upstreams) {
      UpstreamHead h = u.head();
      long head = h.latest();
      if (head < 0) {
        continue;
      }
      long lag = best - head;
      boolean stalled =
          lag > recoverLag && Duration.between(h.changedAt(), now).compareTo(stallTimeout) > 0;
      if (h.lagging()) {
        if (lag <= recoverLag) {
          h.setLagging(false);
          listener.changed(u.name(), "LAGGING", "SYNCED", describe(lag, head, best, false));
        }
      } else if (lag > maxLag || stalled) {
        if (h.confirmLag() >= confirmations) {
          h.setLagging(true);
          listener.changed(u.name(), "SYNCED", "LAGGING", describe(lag, head, best, stalled));
        }
      } else {
        h.clearLagConfirmations();
      }
    }
  }

  /**
   * The order to try upstreams in for a call: synced upstreams in the group's order, then lagging
   * ones by head, highest first; for a named block, only upstreams known to have it (unless none);
   * for the state of a numbered block, those known to keep it before the others.
   */
  public List<Upstream> arrange(List<Upstream> groupOrder, BlockRequirement need) {
    List<Upstream> byHead = byHead(groupOrder, need);
    return need.stateBlock() < 0 ? byHead : keepersFirst(byHead, need.stateBlock());
  }

  /**
   * Those that keep the state of {@code block} first, in their order, then the others (whom the
   * failover passes over with the reason, so that a call no upstream can serve says why).
   */
  private static List<Upstream> keepersFirst(List<Upstream> order, long block) {
    List<Upstream> keepers = new ArrayList<>(order.size());
    List<Upstream> others = new ArrayList<>(2);
    for (Upstream u : order) {
      (u.keepsStateOf(block) ? keepers : others).add(u);
    }
    if (others.isEmpty()) {
      return order;
    }
    keepers.addAll(others);
    return keepers;
  }

  private List<Upstream> byHead(List<Upstream> groupOrder, BlockRequirement need) {
    if (!need.headSensitive()) {
      return groupOrder;
    }
    List<Upstream> synced = new ArrayList<>(groupOrder.size());
    List<Upstream> behind = new ArrayList<>(2);
    for (Upstream u : groupOrder) {
      long head = u.head().latest();
      if (need.minBlock() >= 0 && head >= 0 && head < need.minBlock()) {
        continue;
      }
      (u.head().lagging() ? behind : synced).add(u);
    }
    if (synced.isEmpty() && behind.isEmpty()) {
      return groupOrder;
    }
    if (behind.isEmpty()) {
      return synced;
    }
    behind.sort(Comparator.comparingLong((Upstream u) -> u.head().latest()).reversed());
    synced.addAll(behind);
    return synced;
  }

  /**
   * Forgets the numbers answered so far: an upstream that served them turned out to be on another
   * chain, whose head they may have been.
   */
  public void forgetServed() {
    highestServed.set(-1);
  }

  /**
   * The block number to answer eth_blockNumber with: the upstream's answer, raised to the best head
   * known among upstreams in rotation and to any number this instance answered before, so clients
   * see the freshest head and never see the chain go backwards.
   */
  public long blockNumberToServe(long answered, List<Upstream> upstreams) {
    long floor = Math.max(answered, bestHead(upstreams));
    return highestServed.accumulateAndGet(floor, Math::max);
  }
}
