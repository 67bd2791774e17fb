package dev.rpcshield.ops;

import dev.rpcshield.account.AccountsConfig;
import dev.rpcshield.admin.AdminConfig;
import dev.rpcshield.cache.CacheConfig;
import dev.rpcshield.config.Current;
import dev.rpcshield.config.Generation;
import dev.rpcshield.config.Masking;
import dev.rpcshield.config.Settings;
import dev.rpcshield.http.CorsPolicy;
import dev.rpcshield.identity.JwtConfig;
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
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * RpcShield's configuration: every area's record read from MicroProfile Config and validated
 * together, so a bad value anywhere stops the start (or is refused by a reload) with a message
 * naming the key; nothing else reads configuration keys. Each configuration applied is one {@link
 * Generation} holding every area's record. A request takes the generation in effect when it begins
 * and reads its records from it; code outside a request is given its area's record as a {@link
 * Current} by injection and reads the generation in effect where it uses it. A reload ({@link
 * ConfigReloader}) replaces every record at once.
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
      LogsConfig logs,
      JwtConfig jwt,
      Duration refreshInterval) {

    /**
     * Reads and validates every area; a refusal's message shows no URL's user info, path or query,
     * whichever part wrote it. The refusal keeps where it was raised for the log, not the message
     * it was raised with, which may not be masked.
     */
    public static Snapshot read(Settings s) {
      try {
        return readAll(s);
      } catch (IllegalArgumentException e) {
        throw refusal(e);
      }
    }

    private static IllegalArgumentException refusal(IllegalArgumentException e) {
      String message = e.getMessage();
      IllegalArgumentException shown =
          new IllegalArgumentException(
              message == null ? "the configuration is not valid" : Masking.urls(message));
      shown.setStackTrace(e.getStackTrace());
      return shown;
    }

    private static Snapshot readAll(Settings s) {
      GatewayConfig gateway = GatewayConfig.read(s);
      NetworksConfig networks = NetworksConfig.read(s);
      Duration refresh = s.duration("rpcshield.config.refresh-interval", Duration.ofSeconds(5));
      Settings.require(
          !refresh.isNegative(),
          "rpcshield.config.refresh-interval",
          refresh,
          "0 (no reloads) or more");
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
                  .toList()),
          JwtConfig.read(s),
          refresh);
    }

    /** This configuration as generation {@code version}, applied at {@code appliedAt}. */
    public Generation generation(long version, Instant appliedAt) {
      return Generation.numbered(version, appliedAt)
          .with(Snapshot.class, this)
          .with(GatewayConfig.class, gateway)
          .with(NetworksConfig.class, networks)
          .with(LimitsConfig.class, limits)
          .with(AccountsConfig.class, accounts)
          .with(SenderConfig.class, sender)
          .with(RatewatchConfig.class, ratewatch)
          .with(SocketSettings.class, sockets)
          .with(SubscriptionCaps.class, subscriptions)
          .with(AdminConfig.class, admin)
          .with(CorsPolicy.class, cors)
          .with(CacheConfig.class, cache)
          .with(LogsConfig.class, logs)
          .with(JwtConfig.class, jwt);
    }
  }

  @Inject Clock clock;

  private LiveSource source;
  private volatile Generation current;

  @PostConstruct
  void read() {
    read(ConfigProvider.getConfig());
  }

  void read(Config config) {
    source = new LiveSource(config);
    current = Snapshot.read(new Settings(source)).generation(1, clock.instant());
  }

  /** The configuration in effect. */
  public Snapshot snapshot() {
    return current.get(Snapshot.class);
  }

  /** The generation in effect. */
  public Generation generation() {
    return current;
  }

  /** Where reloads read from: restart-only keys keep the value they started with. */
  LiveSource source() {
    return source;
  }

  /** {@code next} as the generation after the one in effect, not in effect yet. */
  Generation next(Snapshot next) {
    return next.generation(current.version() + 1, clock.instant());
  }

  /** Puts {@code next} in effect for every request that begins from now on, and the rest. */
  void apply(Generation next) {
    current = next;
  }

  @Produces
  Current<Generation> generations() {
    return this::generation;
  }

  @Produces
  Current<GatewayConfig> gateway() {
    return () -> snapshot().gateway();
  }

  @Produces
  Current<NetworksConfig> networks() {
    return () -> snapshot().networks();
  }

  @Produces
  Current<LimitsConfig> limits() {
    return () -> snapshot().limits();
  }

  @Produces
  Current<AccountsConfig> accounts() {
    return () -> snapshot().accounts();
  }

  @Produces
  Current<SenderConfig> sender() {
    return () -> snapshot().sender();
  }

  @Produces
  Current<RatewatchConfig> ratewatch() {
    return () -> snapshot().ratewatch();
  }

  @Produces
  Current<SocketSettings> sockets() {
    return () -> snapshot().sockets();
  }

  @Produces
  Current<SubscriptionCaps> subscriptionCaps() {
    return () -> snapshot().subscriptions();
  }

  @Produces
  Current<AdminConfig> admin() {
    return () -> snapshot().admin();
  }

  @Produces
  Current<CorsPolicy> cors() {
    return () -> snapshot().cors();
  }

  @Produces
  Current<CacheConfig> cache() {
    return () -> snapshot().cache();
  }

  @Produces
  Current<LogsConfig> logs() {
    return () -> snapshot().logs();
  }

  @Produces
  Current<JwtConfig> jwt() {
    return () -> snapshot().jwt();
  }
}
