package dev.rpcshield.ops;

/** JMX view of the limiter store ({@code dev.rpcshield:type=Limiter}). */
public interface LimiterStateMXBean {
  /** {@code memory} without Redis; {@code redis} or {@code local-fallback} with it. */
  String getMode();

  /** Decisions made locally because Redis could not be used, since start. */
  long getRedisFallbacks();

  /** The last Redis error, empty when there was none. */
  String getLastRedisError();

  /** Limiter keys held in this instance's memory. */
  int getLocalKeys();
}
