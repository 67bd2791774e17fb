package dev.rpcshield.upstream;

import java.time.Clock;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One upstream at run time: its settings, its own circuit breaker, its caps and its counters.
 * Shared by every request; all state is thread-safe.
 */
public final class Upstream {
  private final UpstreamSettings settings;
  private final CircuitBreaker breaker;
  private final RateCap rateCap;
  private final Semaphore inFlight;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final UpstreamHead head = new UpstreamHead();
  private volatile double latencyMillisEwma;

  public Upstream(UpstreamSettings settings, CircuitBreaker breaker, Clock clock) {
    this.settings = settings;
    this.breaker = breaker;
    this.rateCap = settings.maxRps() > 0 ? new RateCap(clock, settings.maxRps()) : null;
    this.inFlight = settings.maxInFlight() > 0 ? new Semaphore(settings.maxInFlight()) : null;
  }

  public String name() {
    return settings.name();
  }

  public UpstreamSettings settings() {
    return settings;
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  /**
   * Takes a slot for one request if this upstream's caps allow it now; never waits. A successful
   * call must be paired with {@link #release()}.
   */
  boolean tryAcquire() {
    if (inFlight != null && !inFlight.tryAcquire()) {
      return false;
    }
    if (rateCap != null && !rateCap.tryAcquire()) {
      if (inFlight != null) {
        inFlight.release();
      }
      return false;
    }
    return true;
  }

  void release() {
    if (inFlight != null) {
      inFlight.release();
    }
  }

  void recordAttempt(long millis, boolean failed) {
    requests.incrementAndGet();
    if (failed) {
      failures.incrementAndGet();
    } else {
      double previous = latencyMillisEwma;
      latencyMillisEwma = previous == 0 ? millis : previous * 0.9 + millis * 0.1;
    }
  }

  /** Its chain head as last observed. */
  public UpstreamHead head() {
    return head;
  }

  /** Requests sent, including failed ones. */
  public long requests() {
    return requests.get();
  }

  public long failures() {
    return failures.get();
  }

  /** Exponentially weighted latency of successful answers, in milliseconds. */
  public double latencyMillis() {
    return latencyMillisEwma;
  }

  /** Requests in flight now, when a cap is set (else -1). */
  public int inFlight() {
    return inFlight == null ? -1 : settings.maxInFlight() - inFlight.availablePermits();
  }
}
