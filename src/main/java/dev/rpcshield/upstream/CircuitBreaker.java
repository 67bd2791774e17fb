package dev.rpcshield.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Takes one upstream out of rotation after consecutive failures and keeps it out until a probe
 * succeeds. One breaker per upstream, so one bad provider never blocks the others.
 */
public final class CircuitBreaker {

  /** Where the upstream stands. */
  public enum State {
    /** In rotation. */
    CLOSED,
    /** Out of rotation; waiting for the out-of-service interval to pass. */
    OPEN,
    /** The interval has passed; the next probe decides. */
    PROBING
  }

  private final Clock clock;
  private final int failureThreshold;
  private final Duration outOfService;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private Instant openUntil = Instant.MIN;
  private String lastFailure = "";
  private boolean held;

  /**
   * @param failureThreshold consecutive failures that open the breaker (default 3)
   * @param outOfService how long an opened upstream stays out before it is probed (default 10 s)
   */
  public CircuitBreaker(Clock clock, int failureThreshold, Duration outOfService) {
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failure threshold must be at least 1");
    }
    this.clock = clock;
    this.failureThreshold = failureThreshold;
    this.outOfService = outOfService;
  }

  /** Whether requests may be sent now. */
  public synchronized boolean inRotation() {
    return state == State.CLOSED && !held;
  }

  /** Whether the upstream is out and its interval has passed, so a probe should be sent. */
  public synchronized boolean probeDue() {
    if (!held && state == State.OPEN && !clock.instant().isBefore(openUntil)) {
      state = State.PROBING;
      return true;
    }
    return false;
  }

  public synchronized void onSuccess() {
    consecutiveFailures = 0;
    state = State.CLOSED;
  }

  public synchronized void onFailure(String reason) {
    lastFailure = reason;
    consecutiveFailures++;
    if (state == State.PROBING || consecutiveFailures >= failureThreshold) {
      open();
    }
  }

  /** Takes the upstream out at once (an operator's action, or a failed probe). */
  public synchronized void open() {
    state = State.OPEN;
    openUntil = clock.instant().plus(outOfService);
  }

  /** An operator takes the upstream out of rotation until {@link #release()}; no probes meanwhile. */
  public synchronized void hold() {
    held = true;
  }

  /** An operator puts a held upstream back; it still has to pass a probe if it had failed. */
  public synchronized void release() {
    held = false;
  }

  public synchronized boolean held() {
    return held;
  }

  public synchronized State state() {
    return state;
  }

  public synchronized String lastFailure() {
    return lastFailure;
  }
}
