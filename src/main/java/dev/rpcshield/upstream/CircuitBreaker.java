package dev.rpcshield.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Takes one upstream out of rotation after consecutive failures and keeps it out until a probe
 * succeeds; and, on a network with a chain id, keeps it out until it has shown it is on that chain.
 * One breaker per upstream, so one bad provider never blocks the others.
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

  /** Whether the upstream has shown it is on its network's chain. */
  public enum Chain {
    /** Its network names no chain id, so nothing is checked. */
    UNCHECKED,
    /** Not yet known: it takes no traffic until its eth_chainId answers. */
    UNVERIFIED,
    /** Its eth_chainId is the network's. */
    VERIFIED,
    /** Its eth_chainId is another chain's: it never serves until that changes. */
    WRONG_CHAIN
  }

  private final Clock clock;
  private final int failureThreshold;
  private final Duration outOfService;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private Instant openUntil = Instant.MIN;
  private String lastFailure = "";
  private boolean held;
  private Chain chain = Chain.UNCHECKED;

  /** Seen on its network's chain since it was last found on another: it may have served. */
  private boolean vouched;

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

  /**
   * What the admin API, JMX and the state log show: HELD while an operator holds it, then
   * WRONG_CHAIN or UNVERIFIED while its chain is not the network's.
   */
  private String shown() {
    if (held) {
      return "HELD";
    }
    return chain == Chain.WRONG_CHAIN || chain == Chain.UNVERIFIED ? chain.name() : state.name();
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
    return state == State.CLOSED && !held && (chain == Chain.UNCHECKED || chain == Chain.VERIFIED);
  }

  /** Its network names a chain id: it takes no traffic until it is seen on that chain. */
  public synchronized void requireChain() {
    if (chain == Chain.UNCHECKED) {
      chain = Chain.UNVERIFIED;
    }
  }

  public synchronized Chain chain() {
    return chain;
  }

  /**
   * Records what its eth_chainId showed: on the network's chain, or on another (then it leaves
   * rotation until a later check finds it on the right chain).
   *
   * @return whether it was found on another chain after it had been seen on its own since it was
   *     last found elsewhere: what it answered in between may be the other chain's
   */
  public boolean chainSeen(boolean right, String reason) {
    String from;
    String to;
    boolean turned;
    synchronized (this) {
      if (chain == Chain.UNCHECKED) {
        return false;
      }
      from = shown();
      chain = right ? Chain.VERIFIED : Chain.WRONG_CHAIN;
      turned = !right && vouched;
      vouched = right;
      if (!right) {
        lastFailure = reason;
      }
      to = shown();
    }
    tell(from, to, reason);
    return turned;
  }

  /**
   * Its chain is no longer known (its connection broke, so it may be a new process; its head went
   * back without its chain being shown): a verified upstream takes no traffic until its chain is
   * seen again. It stays vouched for, so that chain turning out to be another one is told.
   *
   * @return whether it was verified and now is not
   */
  public boolean chainInDoubt(String reason) {
    String from;
    String to;
    synchronized (this) {
      if (chain != Chain.VERIFIED) {
        return false;
      }
      from = shown();
      chain = Chain.UNVERIFIED;
      lastFailure = reason;
      to = shown();
    }
    tell(from, to, reason);
    return true;
  }

  /**
   * Whether it is out only until its chain is seen again (not for failures, not held): a check of
   * its chain may bring it back at any moment.
   */
  public synchronized boolean awaitingChain() {
    return state == State.CLOSED && !held && chain == Chain.UNVERIFIED;
  }

  /**
   * Whether the head poll asks it: in rotation, or out only until its chain is seen to be the
   * network's (so a chain check comes with every poll).
   */
  public synchronized boolean polled() {
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

  /**
   * A call was answered: the count of consecutive failures starts again. An answer that comes while
   * the upstream is out (to a call sent before it left) does not bring it back; only a probe does.
   */
  public synchronized void onSuccess() {
    if (state == State.CLOSED) {
      consecutiveFailures = 0;
    }
  }

  /** A probe was answered as it should be: the upstream is back in rotation. */
  public void probeSucceeded() {
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
