package dev.rpcshield.limit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Redis first, this instance's memory when Redis is slow or down: the gateway keeps limiting on
 * local state instead of refusing everyone or failing. After a Redis failure it stays local for a
 * short back-off, then tries Redis again by itself. In-flight Redis calls are bounded; when the
 * bound is reached the call goes local at once.
 */
public final class FailOpenLimiterStore implements LimiterStore {
  private static final Logger LOG = Logger.getLogger(FailOpenLimiterStore.class.getName());

  /** Which store decided the last call. */
  public enum Mode {
    SHARED,
    LOCAL_FALLBACK
  }

  private final LimiterStore shared;
  private final LimiterStore local;
  private final Clock clock;
  private final Duration backoff;
  private final Semaphore inFlight;
  private final AtomicLong fallbacks = new AtomicLong();
  private volatile Instant retryAt = Instant.MIN;
  private volatile Mode mode = Mode.SHARED;
  private volatile String lastError = "";
  private volatile Instant since;

  /**
   * @param backoff how long to stay local after a Redis failure (default 1 s)
   * @param maxInFlight concurrent Redis calls (default 64)
   */
  public FailOpenLimiterStore(
      LimiterStore shared, LimiterStore local, Clock clock, Duration backoff, int maxInFlight) {
    this.shared = shared;
    this.local = local;
    this.clock = clock;
    this.backoff = backoff;
    this.inFlight = new Semaphore(maxInFlight);
    this.since = clock.instant();
  }

  @Override
  public List<Decision> charge(List<List<Rule>> members) {
    Instant now = clock.instant();
    if (now.isBefore(retryAt) || !inFlight.tryAcquire()) {
      return fallback(members, null);
    }
    try {
      List<Decision> decisions = shared.charge(members);
      if (mode != Mode.SHARED) {
        mode = Mode.SHARED;
        since = now;
        LOG.info("limiter store: back on Redis");
      }
      return decisions;
    } catch (RuntimeException e) {
      retryAt = now.plus(backoff);
      return fallback(members, e);
    } finally {
      inFlight.release();
    }
  }

  private List<Decision> fallback(List<List<Rule>> members, RuntimeException cause) {
    fallbacks.incrementAndGet();
    if (cause != null) {
      lastError = cause.getClass().getSimpleName();
      if (mode != Mode.LOCAL_FALLBACK) {
        mode = Mode.LOCAL_FALLBACK;
        since = clock.instant();
        LOG.warning("limiter store: Redis failed (" + lastError + "), limiting on local state");
      }
    }
    return local.charge(members);
  }

  /** Decisions made locally because Redis could not be used. */
  public long fallbacks() {
    return fallbacks.get();
  }

  public Mode mode() {
    return mode;
  }

  public String lastError() {
    return lastError;
  }

  public Instant since() {
    return since;
  }
}
