package dev.rpcshield.ops;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.limit.SharedRedis;
import dev.rpcshield.ratewatch.Ratewatch;
import dev.rpcshield.telemetry.MetricNames;
import dev.rpcshield.upstream.CircuitBreaker;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.SentTransactions;
import dev.rpcshield.upstream.Upstream;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The gauges of the parts operators watch (upstreams, the limiter store's fallbacks, the account
 * database, ratewatch's flags), registered once at start by {@link OpsStartup}; they read the
 * parts' own counters.
 */
@ApplicationScoped
public class Gauges {
  @Inject MetricRegistry registry;

  /** Registers the count of Redis calls answered locally, when Redis is configured. */
  void watch(SharedRedis redis) {
    gauge(MetricNames.REDIS_FALLBACKS, redis, SharedRedis::fallbacks);
  }

  /**
   * Registers whether the account database answers, and how many accounts have nearly used their
   * monthly quota.
   */
  void watch(Accounts accounts) {
    gauge(MetricNames.DATABASE_UP, accounts, a -> a.reachable() ? 1 : 0);
    gauge(MetricNames.ACCOUNTS_NEAR_QUOTA, accounts, a -> a.usage().accountsNearQuota().size());
  }

  /** Registers the count of high-rate flags raised. */
  void watch(Ratewatch ratewatch) {
    gauge(MetricNames.FLAGS_RAISED, ratewatch, Ratewatch::flagsRaised);
  }

  /** Registers a network's transaction counters and the gauge of what it rebroadcasts. */
  void watch(Network n) {
    Tag network = new Tag("network", n.name());
    Counter rebroadcasts =
        registry.counter(MetricNames.metadata(MetricNames.TX_REBROADCASTS), network);
    Map<SentTransactions.End, Counter> ends =
        Map.of(
            SentTransactions.End.INCLUDED,
            registry.counter(MetricNames.metadata(MetricNames.TX_INCLUDED), network),
            SentTransactions.End.REPLACED,
            registry.counter(MetricNames.metadata(MetricNames.TX_REPLACED), network),
            SentTransactions.End.EXPIRED,
            registry.counter(MetricNames.metadata(MetricNames.TX_EXPIRED), network));
    n.listenToTransactions(rebroadcasts::inc, e -> ends.get(e).inc());
    gauge(MetricNames.TX_TRACKED, n, x -> x.sentTransactions().tracked(), network);
  }

  /** Every per-upstream gauge: its name and how it reads the upstream. */
  private static final Map<String, Function<Upstream, Number>> UPSTREAM_GAUGES = upstreamGauges();

  private static Map<String, Function<Upstream, Number>> upstreamGauges() {
    Map<String, Function<Upstream, Number>> g = new LinkedHashMap<>();
    g.put(MetricNames.UPSTREAM_FAILURES, Upstream::failures);
    g.put(MetricNames.UPSTREAM_HEDGES, Upstream::hedges);
    g.put(MetricNames.UPSTREAM_TX_REFUSALS, Upstream::transactionRefusals);
    g.put(MetricNames.UPSTREAM_LATENCY, Upstream::latencyMillis);
    g.put(MetricNames.UPSTREAM_IN_ROTATION, x -> x.breaker().inRotation() ? 1 : 0);
    g.put(MetricNames.UPSTREAM_HEAD, x -> x.head().latest());
    g.put(MetricNames.UPSTREAM_LAGGING, x -> x.head().lagging() ? 1 : 0);
    g.put(
        MetricNames.UPSTREAM_WRONG_CHAIN,
        x -> x.breaker().chain() == CircuitBreaker.Chain.WRONG_CHAIN ? 1 : 0);
    return Collections.unmodifiableMap(g);
  }

  /** Registers one upstream's gauges, labelled with it and its network. */
  void watch(Upstream u, Network n) {
    Tag[] tags = tags(u, n);
    UPSTREAM_GAUGES.forEach((name, read) -> gauge(name, u, read, tags));
    gauge(MetricNames.UPSTREAM_HEAD_LAG, u, x -> lag(x, n), tags);
    gauge(MetricNames.UPSTREAM_FINALIZED, u, x -> x.head().finalized(), tags);
    Map<String, Counter> disagreements = new ConcurrentHashMap<>();
    u.onDisagreement(method ->
        disagreements
            .computeIfAbsent(
                method,
                m ->
                    registry.counter(
                        MetricNames.metadata(MetricNames.UPSTREAM_DISAGREEMENTS),
                        tags[0],
                        tags[1],
                        new Tag("method", m)))
            .inc());
  }

  /** Removes the gauges of an upstream a reload took away. */
  void unwatch(Upstream u, Network n) {
    Tag[] tags = tags(u, n);
    for (String name : UPSTREAM_GAUGES.keySet()) {
      registry.remove(new MetricID(name, tags));
    }
    registry.remove(new MetricID(MetricNames.UPSTREAM_HEAD_LAG, tags));
    registry.remove(new MetricID(MetricNames.UPSTREAM_FINALIZED, tags));
    registry.removeMatching((id, metric) ->
        id.getName().equals(MetricNames.UPSTREAM_DISAGREEMENTS)
            && id.getTags().get("upstream").equals(u.name())
            && id.getTags().get("network").equals(n.name()));
  }

  /**
   * How many blocks the upstream's latest is behind its network's best head; -1 while either is not
   * known yet.
   */
  static long lag(Upstream u, Network n) {
    long best = n.bestHead();
    long latest = u.head().latest();
    return best < 0 || latest < 0 ? -1 : Math.max(0, best - latest);
  }

  private static Tag[] tags(Upstream u, Network n) {
    return new Tag[] {new Tag("upstream", u.name()), new Tag("network", n.name())};
  }

  /** A gauge with its HELP text. */
  private <T, R extends Number> void gauge(String name, T part, Function<T, R> read, Tag... tags) {
    registry.gauge(MetricNames.metadata(name), part, read, tags);
  }
}
