package dev.rpcshield.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;

/**
 * The cache in this instance's memory, bounded by bytes (key and value), not by entries: Caffeine
 * evicts the entries least likely to be asked again once the bound is reached.
 */
public final class InMemoryCacheStore implements CacheStore {
  private final Cache<String, byte[]> entries;

  /**
   * @param maxBytes the bound on keys and values together (default 256 MiB)
   */
  public InMemoryCacheStore(long maxBytes, EvictionListener evictions) {
    entries =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((String k, byte[] v) -> 48 + k.length() + v.length)
            .executor(Runnable::run)
            .removalListener((String k, byte[] v, RemovalCause cause) -> {
              if (cause == RemovalCause.SIZE && k != null) {
                evictions.evicted(k);
              }
            })
            .build();
  }

  @Override
  public byte[] get(String key) {
    return entries.getIfPresent(key);
  }

  @Override
  public void put(String key, byte[] value) {
    entries.put(key, value);
  }

  /** Runs pending evictions now (tests). */
  void cleanUp() {
    entries.cleanUp();
  }

  /** Entries held now (an estimate while evictions are pending). */
  public long size() {
    return entries.estimatedSize();
  }
}
