package dev.rpcshield.ops;

/** JMX view and control of one upstream ({@code dev.rpcshield:type=Upstream,name=<name>}). */
public interface UpstreamControlMXBean {
  String getState();

  /** The network it serves. */
  String getNetwork();

  /** UNCHECKED (its network names no chain id), UNVERIFIED, VERIFIED or WRONG_CHAIN. */
  String getChain();

  /** The chain id its network expects, 0 when none. */
  long getChainId();

  /** The chain id its eth_chainId last answered, -1 before any answer. */
  long getSeenChainId();

  boolean isInRotation();

  boolean isHeldByOperator();

  long getHead();

  boolean isLagging();

  long getRequests();

  long getFailures();

  /** Hedged attempts started on this upstream because another was slow to answer. */
  long getHedges();

  /**
   * Its answers that differed from the one its peers agreed on (consensus), failed an integrity
   * check, or gave a header or proof that did not verify, since start.
   */
  long getDisagreements();

  /** The lowest block whose state it serves now; 0 when it serves every block (an archive). */
  long getStateFrom();

  double getLatencyMillis();

  String getLastFailure();

  /** Takes the upstream out of rotation until {@link #putBackInRotation()}. */
  void takeOutOfRotation();

  /** Ends an operator's hold; a failing upstream still has to pass a probe. */
  void putBackInRotation();
}
