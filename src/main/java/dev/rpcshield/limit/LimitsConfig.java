package dev.rpcshield.limit;

import static dev.rpcshield.config.Settings.require;

import dev.rpcshield.config.Settings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The limits and where their state lives, read from MicroProfile Config with the documented
 * defaults (docs/configuration.md).
 *
 * @param localMaxKeys most limiter keys held in this instance's memory, LRU (default 100,000)
 * @param redis the shared store, or null: limits in this instance's memory
 * @param anonymousRps requests/s per client IP without a key (default 10)
 * @param anonymousBurst bucket size for those (default twice the rate, rounded up)
 * @param anonymousCuPerSecond compute units/s per client IP, 0 for no limit (default 0)
 * @param methodRps per-method requests/s per caller ({@code rpcshield.method-limits})
 * @param computeUnits compute units per method (Alchemy's table with {@code
 *     rpcshield.cu.overrides}, {@code rpcshield.cu.default} = 20 for unlisted methods)
 * @param notificationCuPerByte compute units per byte of a delivered notification (default 0.04)
 */
public record LimitsConfig(
    int localMaxKeys,
    RedisConfig redis,
    double anonymousRps,
    long anonymousBurst,
    double anonymousCuPerSecond,
    Map<String, Double> methodRps,
    ComputeUnits computeUnits,
    double notificationCuPerByte) {

  /**
   * The Redis limiter store.
   *
   * @param endpoint one node, a Sentinel master or a Cluster (see {@link RedisEndpoint})
   * @param timeout connect and call timeout (default 100 ms)
   * @param poolSize pooled connections, per node on a cluster (default 32)
   */
  public record RedisConfig(RedisEndpoint endpoint, Duration timeout, int poolSize) {}

  public LimitsConfig {
    methodRps = Map.copyOf(methodRps);
  }

  public static LimitsConfig read(Settings s) {
    int localMaxKeys = s.integer("rpcshield.limits.local-max-keys", 100_000);
    require(localMaxKeys > 0, "rpcshield.limits.local-max-keys", localMaxKeys, "a positive number");
    double anonymousRps = s.decimal("rpcshield.anonymous.rps", 10);
    require(anonymousRps >= 0, "rpcshield.anonymous.rps", anonymousRps, "a number >= 0");
    Map<String, Integer> cuOverrides = new HashMap<>();
    s.numberPairs("rpcshield.cu.overrides").forEach((m, cu) -> cuOverrides.put(m, cu.intValue()));
    double perByte = s.decimal("rpcshield.cu.notification-per-byte", 0.04);
    require(perByte >= 0, "rpcshield.cu.notification-per-byte", perByte, "a number >= 0");
    return new LimitsConfig(
        localMaxKeys,
        s.optional("rpcshield.redis.url").map(url -> redis(s, url)).orElse(null),
        anonymousRps,
        s.longValue("rpcshield.anonymous.burst", (long) Math.ceil(anonymousRps * 2)),
        s.decimal("rpcshield.anonymous.cu-per-second", 0),
        s.numberPairs("rpcshield.method-limits"),
        new ComputeUnits(cuOverrides, s.integer("rpcshield.cu.default", 20)),
        perByte);
  }

  private static RedisConfig redis(Settings s, String url) {
    RedisEndpoint endpoint;
    try {
      endpoint = RedisEndpoint.parse(url);
    } catch (IllegalArgumentException e) {
      throw Settings.invalid("rpcshield.redis.url", url, e.getMessage());
    }
    return new RedisConfig(
        endpoint,
        s.duration("rpcshield.redis.timeout", Duration.ofMillis(100)),
        s.integer("rpcshield.redis.pool-size", 32));
  }
}
