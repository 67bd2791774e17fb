package dev.rpcshield.limit;

import dev.rpcshield.config.Current;
import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.MapConfig;
import java.time.Clock;
import java.util.Map;

/** Limits for tests outside this package: the real rules and compute units, without a Redis. */
public final class TestLimits {
  private TestLimits() {}

  /**
   * The limits {@code settings} (rpcshield.* keys) configure, built as CDI would build them,
   * charged in this JVM's memory on {@code clock}.
   */
  public static Limits of(Map<String, String> settings, Clock clock) {
    Current<LimitsConfig> config =
        Current.of(LimitsConfig.read(new Settings(new MapConfig(settings))));
    SharedRedis redis = new SharedRedis();
    redis.config = config;
    redis.clock = clock;
    redis.init();
    Limits limits = new Limits();
    limits.config = config;
    limits.clock = clock;
    limits.redis = redis;
    limits.init();
    return limits;
  }
}
