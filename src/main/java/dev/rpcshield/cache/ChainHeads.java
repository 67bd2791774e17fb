package dev.rpcshield.cache;

/**
 * One network's chain heads as the gateway sees them, for the cache's finality rules and the
 * getLogs splitter's tags. Each is -1 while unknown.
 */
public interface ChainHeads {
  /** The best latest block among the network's upstreams in rotation, or -1. */
  long latest();

  /** The network's safe block, or -1. */
  long safe();

  /** The network's finalized block, or -1: at or below it, nothing can change any more. */
  long finalized();
}
