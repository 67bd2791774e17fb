package dev.rpcshield.cache;

import dev.rpcshield.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The response cache's tunables.
 *
 * @param enabled {@code rpcshield.cache.enabled} (default true)
 * @param store {@code rpcshield.cache.store}: {@code memory} (default) or {@code redis} (the {@code
 *     rpcshield.redis.url} Redis)
 * @param maxBytes {@code rpcshield.cache.max-bytes}: the in-memory bound (default 256 MiB)
 * @param cuFactor {@code rpcshield.cache.cu-factor}: share of a call's compute units a hit is
 *     charged (default 1.0)
 * @param redisTtl {@code rpcshield.cache.redis-ttl}: TTL of every Redis key (default 24 h)
 * @param compressAbove {@code rpcshield.cache.compress-above}: Redis values longer than this many
 *     bytes are deflated (default 1024)
 * @param skipMethods {@code rpcshield.cache.skip-methods}: methods never cached (default none)
 */
public record CacheConfig(
    boolean enabled,
    String store,
    long maxBytes,
    double cuFactor,
    Duration redisTtl,
    int compressAbove,
    Set<String> skipMethods) {

  public static CacheConfig read(Settings s) {
    String store = s.string("rpcshield.cache.store", "memory");
    Settings.require(
        store.equals("memory") || store.equals("redis"),
        "rpcshield.cache.store",
        store,
        "memory or redis");
    long maxBytes = s.longValue("rpcshield.cache.max-bytes", 256L << 20);
    Settings.require(maxBytes >= 0, "rpcshield.cache.max-bytes", maxBytes, "a number >= 0");
    double factor = s.decimal("rpcshield.cache.cu-factor", 1.0);
    Settings.require(
        factor >= 0 && factor <= 1, "rpcshield.cache.cu-factor", factor, "a number from 0 to 1");
    Duration ttl = s.duration("rpcshield.cache.redis-ttl", Duration.ofHours(24));
    Settings.require(
        ttl.toSeconds() >= 1, "rpcshield.cache.redis-ttl", ttl, "a duration of 1s or more");
    int compressAbove = s.integer("rpcshield.cache.compress-above", 1024);
    Settings.require(
        compressAbove >= 0, "rpcshield.cache.compress-above", compressAbove, "a number >= 0");
    return new CacheConfig(
        s.bool("rpcshield.cache.enabled", true),
        store,
        maxBytes,
        factor,
        ttl,
        compressAbove,
        Set.copyOf(s.list("rpcshield.cache.skip-methods", List.of())));
  }
}
