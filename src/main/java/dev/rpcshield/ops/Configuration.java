package dev.rpcshield.ops;

import dev.rpcshield.account.AccountsConfig;
import dev.rpcshield.admin.AdminConfig;
import dev.rpcshield.cache.CacheConfig;
import dev.rpcshield.config.Settings;
import dev.rpcshield.http.CorsPolicy;
import dev.rpcshield.limit.LimitsConfig;
import dev.rpcshield.logs.LogsConfig;
import dev.rpcshield.pipeline.GatewayConfig;
import dev.rpcshield.ratewatch.RatewatchConfig;
import dev.rpcshield.sender.SenderConfig;
import dev.rpcshield.upstream.NetworksConfig;
import dev.rpcshield.upstream.SubscriptionCaps;
import dev.rpcshield.upstream.UpstreamSettings;
import dev.rpcshield.ws.SocketSettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * RpcShield's configuration: every area's record read from MicroProfile Config once, at start, and
 * validated together, so a bad value anywhere stops the application with a message naming the key.
 * The parts are given their area's record by injection; nothing else reads configuration keys.
 */
@ApplicationScoped
public class Configuration {

  /** Every area's configuration, read and validated as a whole. */
  public record Snapshot(
      GatewayConfig gateway,
      NetworksConfig networks,
      LimitsConfig limits,
      AccountsConfig accounts,
      SenderConfig sender,
      RatewatchConfig ratewatch,
      SocketSettings sockets,
      SubscriptionCaps subscriptions,
      AdminConfig admin,
      CorsPolicy cors,
      CacheConfig cache,
      LogsConfig logs) {

    public static Snapshot read(Settings s) {
      GatewayConfig gateway = GatewayConfig.read(s);
      NetworksConfig networks = NetworksConfig.read(s);
      return new Snapshot(
          gateway,
          networks,
          LimitsConfig.read(s),
          AccountsConfig.read(s),
          SenderConfig.read(s),
          RatewatchConfig.read(s),
          SocketSettings.read(s, gateway.parseLimits().maxBodyBytes()),
          SubscriptionCaps.read(s),
          AdminConfig.read(s),
          CorsPolicy.read(s),
          CacheConfig.read(s),
          LogsConfig.read(
              s,
              networks.networks().stream()
                  .flatMap(n -> n.upstreams().upstreams().stream())
                  .map(UpstreamSettings::name)
                  .toList()));
    }
  }

  private Snapshot snapshot;

  @PostConstruct
  void read() {
    snapshot = Snapshot.read(new Settings(ConfigProvider.getConfig()));
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  @Produces
  GatewayConfig gateway() {
    return snapshot.gateway();
  }

  @Produces
  NetworksConfig networks() {
    return snapshot.networks();
  }

  @Produces
  LimitsConfig limits() {
    return snapshot.limits();
  }

  @Produces
  AccountsConfig accounts() {
    return snapshot.accounts();
  }

  @Produces
  SenderConfig sender() {
    return snapshot.sender();
  }

  @Produces
  RatewatchConfig ratewatch() {
    return snapshot.ratewatch();
  }

  @Produces
  SocketSettings sockets() {
    return snapshot.sockets();
  }

  @Produces
  SubscriptionCaps subscriptionCaps() {
    return snapshot.subscriptions();
  }

  @Produces
  AdminConfig admin() {
    return snapshot.admin();
  }

  @Produces
  CorsPolicy cors() {
    return snapshot.cors();
  }

  @Produces
  CacheConfig cache() {
    return snapshot.cache();
  }

  @Produces
  LogsConfig logs() {
    return snapshot.logs();
  }
}
