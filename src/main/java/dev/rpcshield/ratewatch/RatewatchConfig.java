package dev.rpcshield.ratewatch;

import static dev.rpcshield.config.Settings.require;

import dev.rpcshield.config.Settings;
import java.time.Duration;

/**
 * Ratewatch's bounds and the conservative auto-flag, read from MicroProfile Config.
 *
 * @param maxSeries most throttled series kept (default 200)
 * @param retention how long a series is kept after its last refusal (default 1 h)
 * @param flagThreshold refusals within {@code flagWindow} that flag an account (default 1000)
 * @param flagWindow the flag's rolling window (default 10 min)
 * @param syncInterval how often refusals are added to the cluster's state in Redis (default 1 s)
 */
public record RatewatchConfig(
    int maxSeries,
    Duration retention,
    long flagThreshold,
    Duration flagWindow,
    Duration syncInterval) {

  public static RatewatchConfig read(Settings s) {
    int maxSeries = s.integer("rpcshield.ratewatch.max-series", 200);
    require(maxSeries > 0, "rpcshield.ratewatch.max-series", maxSeries, "a positive number");
    long threshold = s.longValue("rpcshield.ratewatch.flag-threshold", 1000);
    require(threshold > 0, "rpcshield.ratewatch.flag-threshold", threshold, "a positive number");
    Duration window = s.duration("rpcshield.ratewatch.flag-window", Duration.ofMinutes(10));
    require(!window.isZero(), "rpcshield.ratewatch.flag-window", window, "a positive duration");
    Duration sync = s.duration("rpcshield.ratewatch.sync-interval", Duration.ofSeconds(1));
    require(!sync.isZero(), "rpcshield.ratewatch.sync-interval", sync, "a positive duration");
    return new RatewatchConfig(
        maxSeries,
        s.duration("rpcshield.ratewatch.retention", Duration.ofHours(1)),
        threshold,
        window,
        sync);
  }
}
