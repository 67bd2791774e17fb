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
  private volatile StateListener listener = (from, to, reason) -> {};

  /** Told of every change in or out of rotation, outside the breaker's lock. */
  @FunctionalInterface
  public interface StateListener {
    void changed(String from, String to, String reason);
  }

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

  public void listen(StateListener next) {
    this.listener = next;
  }

  /** What the admin API, JMX and the state log show: HELD while an operator holds it. */
  private String shown() {
    return held ? "HELD" : state.name();
  }

  private void tell(String before, String after, String reason) {
    String from = before.equals("PROBING") ? "OPEN" : before;
    String to = after.equals("PROBING") ? "OPEN" : after;
    if (!from.equals(to)) {
      listener.changed(from, to, reason);
    }
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

  public void onSuccess() {
    String from;
    String to;
    synchronized (this) {
      from = shown();
      consecutiveFailures = 0;
      state = State.CLOSED;
      to = shown();
    }
    tell(from, to, "");
  }

  public void onFailure(String reason) {
    String from;
    String to;
    synchronized (this) {
      from = shown();
      lastFailure = reason;
      consecutiveFailures++;
      if (state == State.PROBING || consecutiveFailures >= failureThreshold) {
        openLocked();
      }
      to = shown();
    }
    tell(from, to, reason);
  }

  /** Takes the upstream out at once (an operator's action, or a failed probe). */
  public void open() {
    String from;
    synchronized (this) {
      from = shown();
      openLocked();
    }
    tell(from, State.OPEN.name(), "taken out");
  }

  /**
   * Takes an upstream in rotation out at once for a reason seen without a failed request (it has
   * stopped answering); it comes back as any opened upstream does, through a probe.
   *
   * @return whether it was in rotation and now is not
   */
  public boolean trip(String reason) {
    String from;
    synchronized (this) {
      if (state != State.CLOSED || held) {
        return false;
      }
      from = shown();
      lastFailure = reason;
      openLocked();
    }
    tell(from, State.OPEN.name(), reason);
    return true;
  }

  private void openLocked() {
    state = State.OPEN;
    openUntil = clock.instant().plus(outOfService);
  }

  /**
   * An operator takes the upstream out of rotation until {@link #release()}; no probes meanwhile.
   */
  public void hold() {
    String from;
    synchronized (this) {
      from = shown();
      held = true;
    }
    tell(from, "HELD", "held by an operator");
  }

  /** An operator puts a held upstream back; it still has to pass a probe if it had failed. */
  public void release() {
    String to;
    synchronized (this) {
      held = false;
      to = shown();
    }
    tell("HELD", to, "released by an operator");
  }

  public synchronized boolean held() {
    return held;
  }

  public synchronized State state() {
    return state;
  }

  /** The state as operators see it: CLOSED, OPEN, PROBING or HELD. */
  public synchronized String shownState() {
    return shown();
  }

  public synchronized String lastFailure() {
    return lastFailure;
  }
}
