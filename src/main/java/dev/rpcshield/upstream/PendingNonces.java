package dev.rpcshield.upstream;

import java.math.BigInteger;
import java.time.Duration;

/**
 * The highest nonce the gateway accepted a transaction with, per network and sender, for a while:
 * in this instance's memory, or in the Redis a fleet shares.
 */
public interface PendingNonces {

  /** Remembers that {@code sender} had a transaction of {@code nonce} accepted, for {@code ttl}. */
  void accepted(String network, String sender, BigInteger nonce, Duration ttl);

  /** The highest nonce remembered for {@code sender}, or null. */
  BigInteger highest(String network, String sender);

  /** Whether a call may wait on the network (so is kept off the threads that carry answers). */
  boolean remote();
}
