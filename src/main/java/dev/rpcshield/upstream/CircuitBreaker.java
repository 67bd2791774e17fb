package dev.rpcshield.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Takes one upstream out of rotation after consecutive failures and keeps it out until a probe
 * succeeds; and, on a network with a chain id, keeps it out until it has shown it is on that chain.
 * One breaker per upstream, so one bad provider never blocks the others. Lock-free: its state is
 * one immutable {@link BreakerState} swapped by compare-and-set, so asking whether an upstream is
 * in rotation (every request does) takes no monitor.
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
  private final AtomicReference<BreakerState> current = new AtomicReference<>(BreakerState.FIRST);
  private volatile StateListener listener = (from, to, reason) -> {};

  /**
   * Told of every change in or out of rotation as operators see it: once per change, after it is
   * made, while the breaker holds nothing.
   */
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
   * Makes one change: applies {@code step} to the current state until the result is swapped in over
   * the very state it was computed from, then tells the listener if what it shows changed. A step
   * that changes nothing writes nothing and tells nothing.
   *
   * @return the state the change was made from
   */
  private BreakerState move(UnaryOperator<BreakerState> step, String reason) {
    BreakerState before;
    BreakerState after;
    do {
      before = current.get();
      after = step.apply(before);
      if (after.equals(before)) {
        return before;
      }
    } while (!current.compareAndSet(before, after));
    String from = before.told();
    String to = after.told();
    if (!from.equals(to)) {
      listener.changed(from, to, reason);
    }
    return before;
  }

  private Instant reopenAt() {
    return clock.instant().plus(outOfService);
  }

  /** Whether requests may be sent now. */
  public boolean inRotation() {
    return current.get().inRotation();
  }

  /**
   * Its network names a chain id: it takes no traffic until it is seen on that chain. Set before it
   * serves, so no change is told.
   */
  public void requireChain() {
    current.updateAndGet(BreakerState::chainRequired);
  }

  public Chain chain() {
    return current.get().chain();
  }

  /**
   * Records what its eth_chainId showed: on the network's chain, or on another (then it leaves
   * rotation until a later check finds it on the right chain).
   *
   * @return whether it was found on another chain after it had been seen on its own since it was
   *     last found elsewhere: what it answered in between may be the other chain's
   */
  public boolean chainSeen(boolean right, String reason) {
    BreakerState before = move(s -> s.chainSeen(right, reason), reason);
    return before.chain() != Chain.UNCHECKED && !right && before.vouched();
  }

  /**
   * Its chain is no longer known (its connection broke, so it may be a new process; its head went
   * back without its chain being shown): a verified upstream takes no traffic until its chain is
   * seen again. It stays vouched for, so that chain turning out to be another one is told.
   *
   * @return whether it was verified and now is not
   */
  public boolean chainInDoubt(String reason) {
    return move(s -> s.chainInDoubt(reason), reason).chain() == Chain.VERIFIED;
  }

  /**
   * Whether it is out only until its chain is seen again (not for failures, not held): a check of
   * its chain may bring it back at any moment.
   */
  public boolean awaitingChain() {
    return current.get().awaitingChain();
  }

  /**
   * Whether the head poll asks it: in rotation, or out only until its chain is seen to be the
   * network's (so a chain check comes with every poll).
   */
  public boolean polled() {
    return current.get().polled();
  }

  /**
   * Whether the upstream is out and its interval has passed, so a probe should be sent: true for
   * one caller only, however many ask at once.
   */
  public boolean probeDue() {
    Instant now = clock.instant();
    return move(s -> s.probing(now), "").probeDue(now);
  }

  /**
   * A call was answered: the count of consecutive failures starts again. An answer that comes while
   * the upstream is out (to a call sent before it left) does not bring it back; only a probe does.
   * Writes only when there were failures to forget, so answers in a row share nothing.
   */
  public void onSuccess() {
    move(BreakerState::succeeded, "");
  }

  /** A probe was answered as it should be: the upstream is back in rotation. */
  public void probeSucceeded() {
    move(BreakerState::probeSucceeded, "");
  }

  public void onFailure(String reason) {
    Instant until = reopenAt();
    move(s -> s.failed(reason, failureThreshold, until), reason);
  }

  /** Takes the upstream out at once (an operator's action, or a failed probe). */
  public void open() {
    Instant until = reopenAt();
    move(s -> s.opened(until), "taken out");
  }

  /**
   * Takes an upstream in rotation out at once for a reason seen without a failed request (it has
   * stopped answering); it comes back as any opened upstream does, through a probe.
   *
   * @return whether it was in rotation and now is not
   */
  public boolean trip(String reason) {
    Instant until = reopenAt();
    BreakerState before = move(s -> s.tripped(reason, until), reason);
    return before.state() == State.CLOSED && !before.held();
  }

  /**
   * An operator takes the upstream out of rotation until {@link #release()}; no probes meanwhile.
   */
  public void hold() {
    move(s -> s.held(true), "held by an operator");
  }

  /** An operator puts a held upstream back; it still has to pass a probe if it had failed. */
  public void release() {
    move(s -> s.held(false), "released by an operator");
  }

  public boolean held() {
    return current.get().held();
  }

  public State state() {
    return current.get().state();
  }

  /** The state as operators see it: CLOSED, OPEN, PROBING or HELD. */
  public String shownState() {
    return current.get().shown();
  }

  public String lastFailure() {
    return current.get().lastFailure();
  }
}
