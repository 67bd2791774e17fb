package dev.rpcshield.limit;

import dev.rpcshield.config.Current;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.identity.AccountView;
import dev.rpcshield.identity.Caller;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The rate rules that apply to a caller and method, and the store that charges them: Redis through
 * {@link SharedRedis} (falling back to local state) when {@code rpcshield.redis.url} is set, this
 * instance's memory otherwise; concurrent requests' charges share one script call (see {@link
 * CoalescingLimiterStore}). Per-method limits ({@code rpcshield.method-limits=eth_getLogs=5,...})
 * and compute-unit overrides ({@code rpcshield.cu.overrides=eth_call=30,...}) are lists, so method
 * names keep their case when set from the environment.
 */
@ApplicationScoped
public class Limits extends DirectBean {
  /** Members of concurrent requests charged in one Redis script call at most. */
  static final int BATCH_MEMBERS = 256;

  @Inject Current<LimitsConfig> config;
  @Inject Clock clock;
  @Inject SharedRedis redis;

  private LimiterStore store;
  private InMemoryLimiterStore local;
  private ConnectionLeases leases;

  @PostConstruct
  void init() {
    local = new InMemoryLimiterStore(clock, config.get().localMaxKeys());
    InMemoryConnectionLeases localLeases = new InMemoryConnectionLeases(clock);
    if (redis.configured()) {
      store = new CoalescingLimiterStore(new SharedLimiterStore(redis, local), BATCH_MEMBERS);
      leases = new SharedLeases(redis, new RedisConnectionLeases(redis.connection()), localLeases);
    } else {
      store = local;
      leases = localLeases;
    }
  }

  public LimiterStore store() {
    return store;
  }

  /** The shared Redis and its fallback state, or {@code null} when no Redis is configured. */
  public SharedRedis shared() {
    return redis.configured() ? redis : null;
  }

  /**
   * Limiter keys held in this instance's memory (all of them without Redis, the fallback's with).
   */
  public int localKeys() {
    return local.size();
  }

  /** WebSocket connection slots: Redis when configured (falling back locally), else memory. */
  public ConnectionLeases leases() {
    return leases;
  }

  /** The rules one call by this caller is charged against under {@code config}. */
  public List<Rule> rulesFor(LimitsConfig config, Caller caller, String method) {
    AccountView account = caller.account();
    // One hash tag per caller, so a Redis Cluster keeps all of a caller's keys in one slot.
    String id =
        account == null ? "{ip:" + caller.clientIp() + "}" : "{acct:" + account.accountId() + "}";
    double rps = account == null ? config.anonymousRps() : account.limits().rps();
    long burst = account == null ? config.anonymousBurst() : account.limits().burst();
    double cuPerSecond =
        account == null ? config.anonymousCuPerSecond() : account.limits().cuPerSecond();
    List<Rule> rules = new ArrayList<>(3);
    if (rps > 0) {
      rules.add(Rule.bucket("rps", "rl:" + id + ":rps", Math.max(1, burst), rps, 1));
    }
    Double perMethod = config.methodRps().get(method);
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
              config.computeUnits().of(method)));
    }
    return rules;
  }
}
