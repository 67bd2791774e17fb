package dev.rpcshield.testing;

import dev.rpcshield.account.AccountsConfig;
import dev.rpcshield.cache.CacheConfig;
import dev.rpcshield.config.Generation;
import dev.rpcshield.config.Settings;
import dev.rpcshield.http.CorsPolicy;
import dev.rpcshield.limit.LimitsConfig;
import dev.rpcshield.logs.LogsConfig;
import dev.rpcshield.pipeline.GatewayConfig;
import dev.rpcshield.sender.SenderConfig;
import dev.rpcshield.upstream.SubscriptionCaps;
import dev.rpcshield.ws.SocketSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Configuration generations for tests: each request-path area read from the same settings. */
public final class TestGenerations {
  private TestGenerations() {}

  /** Generation 1 with every area a request reads, as {@code values} configure them. */
  public static Generation of(Map<String, String> values) {
    Settings s = new Settings(new MapConfig(values));
    GatewayConfig gateway = GatewayConfig.read(s);
    return Generation.numbered(1, Instant.EPOCH)
        .with(GatewayConfig.class, gateway)
        .with(LimitsConfig.class, LimitsConfig.read(s))
        .with(AccountsConfig.class, AccountsConfig.read(s))
        .with(SenderConfig.class, SenderConfig.read(s))
        .with(SocketSettings.class, SocketSettings.read(s, gateway.parseLimits().maxBodyBytes()))
        .with(SubscriptionCaps.class, SubscriptionCaps.read(s))
        .with(CorsPolicy.class, CorsPolicy.read(s))
        .with(CacheConfig.class, CacheConfig.read(s))
        .with(LogsConfig.class, LogsConfig.read(s, List.of()));
  }

  /** Generation 1 with every area at its defaults. */
  public static Generation defaults() {
    return of(Map.of());
  }
}
