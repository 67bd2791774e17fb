package dev.rpcshield.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * The MicroProfile Config the gateway reads its records from, at start and at every reload. A key
 * that only a restart can apply (a port of the running parts, a store, the account database, the
 * list of networks) keeps the value it had when it was first read, so a reload builds the new
 * records with the running value; {@link #pendingRestart} names the keys whose configured value has
 * changed since.
 */
final class LiveSource implements Config {
  /**
   * The keys a running gateway cannot change: what its connections, stores, schedules and the set
   * of networks were built with. A network's own form of a key ({@code rpcshield.network.<n>.X})
   * counts as {@code rpcshield.X}.
   */
  static final Set<String> RESTART_ONLY =
      Set.of(
          "rpcshield.networks",
          "rpcshield.default-network",
          "rpcshield.chain-id",
          "rpcshield.hosts",
          "rpcshield.upstream.chain-check-interval",
          "rpcshield.upstream.probe-interval",
          "rpcshield.upstream.connect-timeout",
          "rpcshield.upstream.max-response-bytes",
          "rpcshield.upstream.unresponsive-after",
          "rpcshield.upstream.failure-threshold",
          "rpcshield.upstream.out-of-service",
          "rpcshield.upstream.head-poll-interval",
          "rpcshield.upstream.max-lag-blocks",
          "rpcshield.upstream.recover-lag-blocks",
          "rpcshield.upstream.lag-confirmations",
          "rpcshield.upstream.stall-timeout",
          "rpcshield.db.url",
          "rpcshield.db.user",
          "rpcshield.db.password",
          "rpcshield.redis.url",
          "rpcshield.redis.timeout",
          "rpcshield.redis.pool-size",
          "rpcshield.limits.local-max-keys",
          "rpcshield.keys.cache-size",
          "rpcshield.usage.flush-interval",
          "rpcshield.ratewatch.max-series",
          "rpcshield.ratewatch.retention",
          "rpcshield.ratewatch.sync-interval",
          "rpcshield.cache.enabled",
          "rpcshield.cache.store",
          "rpcshield.cache.max-bytes",
          "rpcshield.cache.redis-ttl",
          "rpcshield.cache.compress-above",
          "rpcshield.cache.realtime-ttl",
          "rpcshield.cache.block-time",
          "rpcshield.config.refresh-interval");

  private static final Pattern NETWORK_SCOPED = Pattern.compile("^rpcshield\\.network\\.[^.]+\\.");

  private final Config delegate;
  private final Map<String, Optional<String>> frozen = new ConcurrentHashMap<>();

  LiveSource(Config delegate) {
    this.delegate = delegate;
  }

  /**
   * Whether {@code name} is one of the variables only server.xml uses (the body read deadline, the
   * keystore's password): Liberty's configuration, not the gateway's.
   */
  static boolean liberty(String name) {
    String dotted = name.toLowerCase(Locale.ROOT).replace('_', '.');
    return dotted.startsWith("rpcshield.http.") || dotted.equals("rpcshield.keystore.password");
  }

  /** Whether {@code key} (in its dotted form) only takes effect at the next start. */
  static boolean restartOnly(String key) {
    return RESTART_ONLY.contains(NETWORK_SCOPED.matcher(key).replaceFirst("rpcshield."));
  }

  /** The restart-only keys whose configured value is no longer the one the gateway runs with. */
  List<String> pendingRestart() {
    List<String> changed = new ArrayList<>();
    new TreeMap<>(frozen)
        .forEach((key, running) -> {
          if (!running.equals(read(key))) {
            changed.add(key);
          }
        });
    return changed;
  }

  /**
   * Every {@code rpcshield.*} (and {@code RPCSHIELD_*}) property any source holds now, with the
   * value the configuration gives it, but for Liberty's own: what a reload compares to see whether
   * anything changed.
   */
  Map<String, String> everything() {
    Map<String, String> all = new TreeMap<>();
    for (String name : names()) {
      if ((name.startsWith("rpcshield.") || name.startsWith("RPCSHIELD_")) && !liberty(name)) {
        read(name).ifPresent(v -> all.put(name, v));
      }
    }
    return all;
  }

  /**
   * The property names of every source, asked each time: the configuration's own list of names may
   * be the one it saw at start.
   */
  private Iterable<String> names() {
    Map<String, Boolean> names = new LinkedHashMap<>();
    for (ConfigSource source : delegate.getConfigSources()) {
      for (String name : source.getPropertyNames()) {
        names.put(name, Boolean.TRUE);
      }
    }
    return names.keySet();
  }

  private Optional<String> read(String key) {
    return delegate.getOptionalValue(key, String.class);
  }

  @Override
  public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
    if (type != String.class) {
      return delegate.getOptionalValue(name, type);
    }
    Optional<String> value =
        restartOnly(name) ? frozen.computeIfAbsent(name, this::read) : read(name);
    return value.map(type::cast);
  }

  @Override
  public <T> T getValue(String name, Class<T> type) {
    return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
  }

  @Override
  public ConfigValue getConfigValue(String name) {
    return delegate.getConfigValue(name);
  }

  @Override
  public Iterable<String> getPropertyNames() {
    return names();
  }

  @Override
  public Iterable<ConfigSource> getConfigSources() {
    return delegate.getConfigSources();
  }

  @Override
  public <T> Optional<Converter<T>> getConverter(Class<T> type) {
    return delegate.getConverter(type);
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    return delegate.unwrap(type);
  }
}
