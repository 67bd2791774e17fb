package dev.rpcshield.config;

/**
 * Serving one request under one configuration: from {@link #open} to {@link Pinned#close}, every
 * {@link Current} read on this thread sees the configuration that was in effect at the open, even
 * if a reload replaces it meanwhile. Opening inside an open scope keeps the outer one.
 */
public interface ConfigScope {
  Pinned open();

  /** An open scope; closing it is what ends the pin. */
  interface Pinned extends AutoCloseable {
    @Override
    void close();
  }
}
