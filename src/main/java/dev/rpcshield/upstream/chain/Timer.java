package dev.rpcshield.upstream.chain;

import java.time.Duration;

/**
 * When the chain's links act later (a hedge's delay, a retry's pause): production runs tasks on one
 * scheduler thread, tests advance time by hand.
 */
@FunctionalInterface
public interface Timer {

  /** Runs {@code task} once {@code delay} has passed; the returned handle cancels it. */
  Runnable schedule(Duration delay, Runnable task);
}
