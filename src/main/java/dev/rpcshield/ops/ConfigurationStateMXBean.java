package dev.rpcshield.ops;

/** JMX view of the configuration in effect ({@code dev.rpcshield:type=Configuration}). */
public interface ConfigurationStateMXBean {
  /** 1 at start, one more per change applied. */
  long getVersion();

  /** When the version in effect was applied (ISO-8601). */
  String getAppliedAt();

  /** The last change seen: its outcome, time and detail; empty before any. */
  String getLastReload();

  /** Keys whose changed value waits for a restart, comma-separated. */
  String getNeedsRestart();

  /** Looks for a change now instead of at the next refresh; says what became of it. */
  String applyNow();
}
