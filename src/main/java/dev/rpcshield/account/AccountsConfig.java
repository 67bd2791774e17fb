package dev.rpcshield.account;

import static dev.rpcshield.config.Settings.require;

import dev.rpcshield.config.Settings;
import java.time.Duration;

/**
 * The account side's tunables, read from MicroProfile Config.
 *
 * @param tiers the documented tiers and any tier named in config
 * @param keysCacheSize cached key lookups, LRU (default 100,000)
 * @param usageFlushInterval how often usage is written to the database (default 5 s)
 * @param database where the database is (read at start only)
 */
public record AccountsConfig(
    Tiers tiers, int keysCacheSize, Duration usageFlushInterval, DatabaseConfig database) {

  public static AccountsConfig read(Settings s) {
    int cache = s.integer("rpcshield.keys.cache-size", 100_000);
    require(cache > 0, "rpcshield.keys.cache-size", cache, "a positive number");
    Duration flush = s.duration("rpcshield.usage.flush-interval", Duration.ofSeconds(5));
    require(!flush.isZero(), "rpcshield.usage.flush-interval", flush, "a positive duration");
    return new AccountsConfig(new Tiers(s), cache, flush, DatabaseConfig.read(s));
  }
}
