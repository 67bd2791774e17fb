package dev.rpcshield.cache;

import dev.rpcshield.config.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param blockTime {@code rpcshield.cache.block-time}: the network's block time, the bound of a
 *     realtime TTL (default 12 s)
 * @param realtimeTtl {@code rpcshield.cache.realtime-ttl}: {@code method=duration,…}, methods whose
 *     answers that may still change (a block tag, no block) are kept that long anyway (default
 *     none)
 */
public record CacheConfig(
    boolean enabled,
    String store,
    long maxBytes,
    double cuFactor,
    Duration redisTtl,
    int compressAbove,
    Set<String> skipMethods,
    Duration blockTime,
    Map<String, Duration> realtimeTtl) {

  public CacheConfig {
    realtimeTtl = Map.copyOf(realtimeTtl);
  }

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
    Duration blockTime = s.duration("rpcshield.cache.block-time", Duration.ofSeconds(12));
    Settings.require(
        !blockTime.isZero(), "rpcshield.cache.block-time", blockTime, "a duration above 0");
    String rtKey = "rpcshield.cache.realtime-ttl";
    Map<String, Duration> realtime = new LinkedHashMap<>();
    s.pairs(rtKey, "")
        .forEach((method, text) -> {
          Duration life = Settings.parseDuration(rtKey, text);
          Settings.require(
              !life.isZero() && life.compareTo(blockTime) <= 0,
              rtKey,
              method + "=" + text,
              "a TTL above 0 and at most rpcshield.cache.block-time (" + blockTime + ")");
          Settings.require(
              !method.equals("eth_blockNumber"),
              rtKey,
              method,
              "a method other than eth_blockNumber, which never goes below an earlier answer");
          realtime.put(method, life);
        });
    return new CacheConfig(
        s.bool("rpcshield.cache.enabled", true),
        store,
        maxBytes,
        factor,
        ttl,
        compressAbove,
        Set.copyOf(s.list("rpcshield.cache.skip-methods", List.of())),
        blockTime,
        realtime);
  }
}
