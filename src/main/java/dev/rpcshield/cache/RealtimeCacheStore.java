package dev.rpcshield.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Map;

/**
 * This instance's memory for answers that may still change, each kept for its method's short TTL
 * (the operator's {@code rpcshield.cache.realtime-ttl}), bounded by bytes. Never shared through
 * Redis: an answer about the head is not worth a round trip that long.
 */
public final class RealtimeCacheStore implements CacheStore {
  private final Cache<String, byte[]> entries;

  /**
   * @param ttls each method's TTL; a key of another method is kept for no time at all
   */
  public RealtimeCacheStore(Map<String, Duration> ttls, long maxBytes, Ticker ticker) {
    Map<String, Duration> byMethod = Map.copyOf(ttls);
    entries =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((String k, byte[] v) -> 48 + k.length() + v.length)
            .expireAfter(
                Expiry.creating((String k, byte[] v) -> {
                  String method = ResponseCache.methodOf(k);
                  return method == null
                      ? Duration.ZERO
                      : byMethod.getOrDefault(method, Duration.ZERO);
                }))
            .executor(Runnable::run)
            .ticker(ticker)
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
}
