package dev.rpcshield.upstream;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How far back an upstream keeps the chain's state: the recent blocks it is configured to keep
 * ({@code state-blocks}), and what it showed of itself by answering a state call with a
 * pruned-state error. Both are kept as a depth below its own head, so the bound moves up with the
 * chain as a pruning node's does. What it showed is forgotten after a while, so a node resynced as
 * an archive is asked again. Lock-free: the learned bound is one immutable record swapped whole.
 */
final class StateHistory {

  /** It had no state {@code depth} blocks below its head, seen at {@code at} (epoch millis). */
  private record Lacked(long depth, long at) {}

  /**
   * The shallowest lack that teaches anything: nodes that prune keep more recent state than this
   * (geth and Nethermind 128 blocks, reth and Erigon far more), so a "header not found" closer to
   * the head comes from a node, or a provider's backend, that lags.
   */
  static final long MIN_DEPTH = 64;

  private final Clock clock;
  private final AtomicReference<Lacked> lacked = new AtomicReference<>();

  StateHistory(Clock clock) {
    this.clock = clock;
  }

  /**
   * The lowest block whose state it serves now, by its settings and what it showed; 0 when it
   * serves every block as far as anyone knows (an archive, or nothing known).
   *
   * @param head its latest head, 0 or less when not known yet
   * @param keeps the recent blocks it is configured to keep; 0 for an archive or not said
   * @param recheck how long a pruned-state answer is believed
   */
  long from(long head, long keeps, Duration recheck) {
    if (head <= 0) {
      return 0;
    }
    long from = keeps > 0 ? Math.max(0, head - keeps + 1) : 0;
    Lacked l = lacked.get();
    if (l != null && clock.millis() - l.at() < recheck.toMillis()) {
      from = Math.max(from, head - l.depth() + 1);
    }
    return from;
  }

  /**
   * It answered that it has no state of {@code block} while its head was {@code head}. A block
   * fewer than {@link #MIN_DEPTH} below its head says it lags, not that it prunes, and teaches
   * nothing.
   */
  void lacked(long block, long head, Duration recheck) {
    if (block < 0 || head <= 0 || head - block < MIN_DEPTH) {
      return;
    }
    long depth = head - block;
    long now = clock.millis();
    lacked.updateAndGet(l ->
        l == null || now - l.at() >= recheck.toMillis() || depth < l.depth()
            ? new Lacked(depth, now)
            : l);
  }
}
