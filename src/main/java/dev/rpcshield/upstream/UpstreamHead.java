package dev.rpcshield.upstream;

import java.time.Instant;

/**
 * One upstream's view of the chain: its latest, safe and finalized block as last seen, when the
 * latest last moved, whether the head tracker holds it out for lagging, and whether it answered the
 * last poll.
 */
public final class UpstreamHead {
  private volatile long latest = -1;
  private volatile long safe = -1;
  private volatile long finalized = -1;
  private volatile Instant changedAt = Instant.EPOCH;
  private volatile boolean lagging;
  private volatile boolean answering = true;
  private int lagConfirmations;

  /** Records an observation; a lower number than known (a reorg or a different node) is taken. */
  public synchronized void observe(
      long latestBlock, long safeBlock, long finalizedBlock, Instant at) {
    if (latestBlock != latest) {
      changedAt = at;
    }
    latest = latestBlock;
    if (safeBlock >= 0) {
      safe = safeBlock;
    }
    if (finalizedBlock >= 0) {
      finalized = finalizedBlock;
    }
  }

  /**
   * Forgets latest, safe and finalized: they may be another chain's, and must not count until a
   * poll on its network's chain records them again.
   */
  synchronized void forget() {
    latest = -1;
    safe = -1;
    finalized = -1;
  }

  public long latest() {
    return latest;
  }

  public long safe() {
    return safe;
  }

  public long finalized() {
    return finalized;
  }

  public Instant changedAt() {
    return changedAt;
  }

  public boolean lagging() {
    return lagging;
  }

  /**
   * Whether the last head poll was answered: an idle upstream that died is seen here before any
   * request fails on it (readiness).
   */
  public boolean answering() {
    return answering;
  }

  void pollAnswered(boolean value) {
    answering = value;
  }

  synchronized void setLagging(boolean value) {
    lagging = value;
    lagConfirmations = 0;
  }

  synchronized int confirmLag() {
    return ++lagConfirmations;
  }

  synchronized void clearLagConfirmations() {
    lagConfirmations = 0;
  }
}
