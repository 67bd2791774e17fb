package dev.rpcshield.ops;

/** JMX view of ratewatch ({@code dev.rpcshield:type=Ratewatch}). */
public interface RatewatchStateMXBean {
  /** Refusals this instance recorded since start. */
  long getRefusals();

  /** High-rate flags this instance stamped since start. */
  long getFlagsRaised();

  /** Whether episodes and flag counts are the cluster's (through Redis) right now. */
  boolean isClusterWide();

  /** Throttled series in this instance's own episode window. */
  int getLocalSeries();

  /** Failed syncs with Redis since start. */
  long getSyncFailures();
}
