package dev.rpcshield.cache;

/**
 * Where cached results live: this instance's memory, or Redis shared by the fleet. Keys carry the
 * network and method; values are a result's JSON text in UTF-8. A store may throw on any call: the
 * cache counts that as a miss and never fails the request.
 */
public interface CacheStore {
  /** The value stored under {@code key}, or null. */
  byte[] get(String key);

  /** Stores {@code value} under {@code key}, replacing any earlier value. */
  void put(String key, byte[] value);

  /**
   * The network's cache generation as every instance sharing this store sees it (part of every key,
   * so entries of an earlier one are never read again), first raised to {@code atLeast} if it holds
   * less (a store that lost it); 0 for a store of this instance alone, whose cache counts its
   * generations itself.
   */
  default long generation(String network, long atLeast) {
    return 0;
  }

  /**
   * Moves the network's shared generation past every earlier one and past {@code past} (the
   * caller's own, in case the store lost the count), and returns it; 0 for a store of this instance
   * alone.
   */
  default long advance(String network, long past) {
    return 0;
  }

  /** Told when an entry leaves the store to make room, with the entry's key. */
  @FunctionalInterface
  interface EvictionListener {
    void evicted(String key);
  }
}
