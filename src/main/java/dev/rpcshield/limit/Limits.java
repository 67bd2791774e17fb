package dev.rpcshield.limit;

import dev.rpcshield.account.AccountView;
import dev.rpcshield.config.Settings;
import dev.rpcshield.identity.Caller;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The rate rules that apply to a caller and method, and the store that charges them: Redis behind a
 * fail-open wrapper when {@code rpcshield.redis.url} is set, this instance's memory otherwise.
 * Per-method limits ({@code rpcshield.method-limits=eth_getLogs=5,...}) and compute-unit overrides
 * ({@code rpcshield.cu.overrides=eth_call=30,...}) are lists, so method names keep their case when
 * set from the environment.
 */
@ApplicationScoped
public class Limits {
  private final Clock clock = Clock.systemUTC();
  private LimiterStore store;
  private InMemoryLimiterStore local;
  private FailOpenLimiterStore failOpen;
  private RedisLimiterStore redis;
  private ComputeUnits computeUnits;
  private ConnectionLeases leases;
  private double anonymousRps;
  private long anonymousBurst;
  private double anonymousCuPerSecond;
  private final Map<String, Double> methodRps = new HashMap<>();

  @PostConstruct
  void init() {
    Settings s = new Settings(ConfigProvider.getConfig());
    local = new InMemoryLimiterStore(clock, s.integer("rpcshield.limits.local-max-keys", 100_000));
    store = local;
    InMemoryConnectionLeases localLeases = new InMemoryConnectionLeases(clock);
    leases = localLeases;
    s.optional("rpcshield.redis.url")
        .ifPresent(url -> {
          redis =
              new RedisLimiterStore(
                  URI.create(url),
                  s.duration("rpcshield.redis.timeout", Duration.ofMillis(100)),
                  s.integer("rpcshield.redis.pool-size", 32));
          failOpen =
              new FailOpenLimiterStore(
                  redis,
                  local,
                  clock,
                  s.duration("rpcshield.redis.retry-after-failure", Duration.ofSeconds(1)),
                  s.integer("rpcshield.redis.max-in-flight", 64));
          store = failOpen;
          leases = new FailOpenLeases(new RedisConnectionLeases(redis.pool()), localLeases);
          try {
            redis.warmUp();
          } catch (RuntimeException e) {
            java.util.logging.Logger.getLogger(Limits.class.getName())
                .warning("Redis not reachable at start; limiting locally until it is: " + e);
          }
        });
    anonymousRps = s.decimal("rpcshield.anonymous.rps", 10);
    anonymousBurst = s.longValue("rpcshield.anonymous.burst", (long) Math.ceil(anonymousRps * 2));
    anonymousCuPerSecond = s.decimal("rpcshield.anonymous.cu-per-second", 0);
    s.pairs("rpcshield.method-limits", "")
        .forEach((method, rps) -> methodRps.put(method, number("rpcshield.method-limits", rps)));
    Map<String, Integer> cuOverrides = new HashMap<>();
    s.pairs("rpcshield.cu.overrides", "")
        .forEach(
            (method, cu) -> cuOverrides.put(method, (int) number("rpcshield.cu.overrides", cu)));
    computeUnits = new ComputeUnits(cuOverrides, s.integer("rpcshield.cu.default", 20));
  }

  private static double number(String key, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "configuration " + key + ": '" + value + "' is not a number");
    }
  }

  @PreDestroy
  void close() {
    if (redis != null) {
      redis.close();
    }
  }

  public LimiterStore store() {
    return store;
  }

  /** The Redis fail-open state, or {@code null} when no Redis is configured. */
  public FailOpenLimiterStore sharedStore() {
    return failOpen;
  }

  /**
   * Limiter keys held in this instance's memory (all of them without Redis, the fallback's with).
   */
  public int localKeys() {
    return local.size();
  }

  /** The shared Redis connection pool, or {@code null} when no Redis is configured. */
  public redis.clients.jedis.JedisPooled redisPool() {
    return redis == null ? null : redis.pool();
  }

  /** WebSocket connection slots: Redis when configured (falling back locally), else memory. */
  public ConnectionLeases leases() {
    return leases;
  }

  public ComputeUnits computeUnits() {
    return computeUnits;
  }

  /** The rules one call by this caller is charged against. */
  public List<Rule> rulesFor(Caller caller, String method) {
    AccountView account = caller.account();
    String id = account == null ? "ip:" + caller.clientIp() : "acct:" + account.accountId();
    double rps = account == null ? anonymousRps : account.limits().rps();
    long burst = account == null ? anonymousBurst : account.limits().burst();
    double cuPerSecond = account == null ? anonymousCuPerSecond : account.limits().cuPerSecond();
    List<Rule> rules = new ArrayList<>(3);
    if (rps > 0) {
      rules.add(Rule.bucket("rps", "rl:" + id + ":rps", Math.max(1, burst), rps, 1));
    }
    Double perMethod = methodRps.get(method);
    if (perMethod != null && perMethod > 0) {
      rules.add(
          Rule.bucket(
              "method:" + method,
              "rl:" + id + ":m:" + method,
              (long) Math.ceil(perMethod),
              perMethod,
              1));
    }
    if (cuPerSecond > 0) {
      rules.add(
          Rule.bucket(
              "cu",
              "rl:" + id + ":cu",
              (long) Math.ceil(cuPerSecond),
              cuPerSecond,
              computeUnits.of(method)));
    }
    return rules;
  }
}
