package dev.rpcshield.upstream;

import dev.rpcshield.upstream.CircuitBreaker.Chain;
import dev.rpcshield.upstream.CircuitBreaker.State;
import java.time.Instant;

/**
 * One moment of a {@link CircuitBreaker}, and each change as a function to the next moment:
 * immutable, so the breaker changes by swapping one for the next, without a lock.
 *
 * @param failures consecutive failures since the last success while closed, or the last probe
 * @param openUntil when an opened upstream is due a probe
 * @param held an operator holds it out until released; no probes meanwhile
 * @param vouched seen on its network's chain since it was last found on another: it may have served
 */
record BreakerState(
    State state,
    int failures,
    Instant openUntil,
    String lastFailure,
    boolean held,
    Chain chain,
    boolean vouched) {

  static final BreakerState FIRST =
      new BreakerState(State.CLOSED, 0, Instant.MIN, "", false, Chain.UNCHECKED, false);

  /**
   * What the admin API, JMX and the state log show: HELD while an operator holds it, then
   * WRONG_CHAIN or UNVERIFIED while its chain is not the network's.
   */
  String shown() {
    if (held) {
      return "HELD";
    }
    return chain == Chain.WRONG_CHAIN || chain == Chain.UNVERIFIED ? chain.name() : state.name();
  }

  /** What the state listener is told: as shown, but a probe under way is still OPEN. */
  String told() {
    String shown = shown();
    return shown.equals("PROBING") ? "OPEN" : shown;
  }

  boolean inRotation() {
    return state == State.CLOSED && !held && (chain == Chain.UNCHECKED || chain == Chain.VERIFIED);
  }

  boolean awaitingChain() {
    return state == State.CLOSED && !held && chain == Chain.UNVERIFIED;
  }

  boolean polled() {
    return state == State.CLOSED && !held;
  }

  boolean probeDue(Instant now) {
    return !held && state == State.OPEN && !now.isBefore(openUntil);
  }

  BreakerState chainRequired() {
    return chain == Chain.UNCHECKED ? withChain(Chain.UNVERIFIED, vouched, lastFailure) : this;
  }

  /** Its eth_chainId showed its network's chain ({@code right}) or another one. */
  BreakerState chainSeen(boolean right, String reason) {
    if (chain == Chain.UNCHECKED) {
      return this;
    }
    return right
        ? withChain(Chain.VERIFIED, true, lastFailure)
        : withChain(Chain.WRONG_CHAIN, false, reason);
  }

  BreakerState chainInDoubt(String reason) {
    return chain == Chain.VERIFIED ? withChain(Chain.UNVERIFIED, vouched, reason) : this;
  }

  BreakerState probing(Instant now) {
    return probeDue(now) ? with(State.PROBING, failures, openUntil, lastFailure) : this;
  }

  /** A call was answered: a closed breaker's count starts again; an open one stays open. */
  BreakerState succeeded() {
    return state == State.CLOSED && failures != 0 ? with(state, 0, openUntil, lastFailure) : this;
  }

  BreakerState probeSucceeded() {
    return with(State.CLOSED, 0, openUntil, lastFailure);
  }

  /** A call failed: opened, until {@code until}, at the threshold or when it was the probe. */
  BreakerState failed(String reason, int threshold, Instant until) {
    int next = failures + 1;
    return state == State.PROBING || next >= threshold
        ? with(State.OPEN, next, until, reason)
        : with(state, next, openUntil, reason);
  }

  BreakerState opened(Instant until) {
    return with(State.OPEN, failures, until, lastFailure);
  }

  /** Opened for {@code reason} if it was in rotation as far as failures and holds go. */
  BreakerState tripped(String reason, Instant until) {
    return state != State.CLOSED || held ? this : with(State.OPEN, failures, until, reason);
  }

  BreakerState held(boolean next) {
    return new BreakerState(state, failures, openUntil, lastFailure, next, chain, vouched);
  }

  private BreakerState with(State next, int nextFailures, Instant nextOpenUntil, String failure) {
    return new BreakerState(next, nextFailures, nextOpenUntil, failure, held, chain, vouched);
  }

  private BreakerState withChain(Chain next, boolean nextVouched, String failure) {
    return new BreakerState(state, failures, openUntil, failure, held, next, nextVouched);
  }
}
