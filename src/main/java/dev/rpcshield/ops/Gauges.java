package dev.rpcshield.ops;

import dev.rpcshield.limit.SharedRedis;
import dev.rpcshield.ratewatch.Ratewatch;
import dev.rpcshield.telemetry.MetricNames;
import dev.rpcshield.upstream.CircuitBreaker;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstream;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.function.Function;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The gauges of the parts operators watch (upstreams, the limiter store's fallbacks, ratewatch's
 * flags), registered once at start by {@link OpsStartup}; they read the parts' own counters.
 */
@ApplicationScoped
public class Gauges {
  @Inject MetricRegistry registry;

  /** Registers the count of Redis calls answered locally, when Redis is configured. */
  void watch(SharedRedis redis) {
    gauge(MetricNames.REDIS_FALLBACKS, redis, SharedRedis::fallbacks);
  }

  /** Registers the count of high-rate flags raised. */
  void watch(Ratewatch ratewatch) {
    gauge(MetricNames.FLAGS_RAISED, ratewatch, Ratewatch::flagsRaised);
  }

  /** Registers one upstream's gauges, labelled with it and its network. */
  void watch(Upstream u, Network n) {
    Tag[] tags = tags(u, n);
    gauge(MetricNames.UPSTREAM_REQUESTS, u, Upstream::requests, tags);
    gauge(MetricNames.UPSTREAM_FAILURES, u, Upstream::failures, tags);
    gauge(MetricNames.UPSTREAM_HEDGES, u, Upstream::hedges, tags);
    gauge(MetricNames.UPSTREAM_LATENCY, u, Upstream::latencyMillis, tags);
    gauge(MetricNames.UPSTREAM_IN_ROTATION, u, x -> x.breaker().inRotation() ? 1 : 0, tags);
    gauge(MetricNames.UPSTREAM_HEAD, u, x -> x.head().latest(), tags);
    gauge(MetricNames.UPSTREAM_LAGGING, u, x -> x.head().lagging() ? 1 : 0, tags);
    gauge(
        MetricNames.UPSTREAM_WRONG_CHAIN,
        u,
        x -> x.breaker().chain() == CircuitBreaker.Chain.WRONG_CHAIN ? 1 : 0,
        tags);
  }

  /** Removes the gauges of an upstream a reload took away. */
  void unwatch(Upstream u, Network n) {
    Tag[] tags = tags(u, n);
    for (String name : UPSTREAM_GAUGES) {
      registry.remove(new MetricID(name, tags));
    }
  }

  private static final List<String> UPSTREAM_GAUGES =
      List.of(
          MetricNames.UPSTREAM_REQUESTS,
          MetricNames.UPSTREAM_FAILURES,
          MetricNames.UPSTREAM_HEDGES,
          MetricNames.UPSTREAM_LATENCY,
          MetricNames.UPSTREAM_IN_ROTATION,
          MetricNames.UPSTREAM_HEAD,
          MetricNames.UPSTREAM_LAGGING,
          MetricNames.UPSTREAM_WRONG_CHAIN);

  private static Tag[] tags(Upstream u, Network n) {
    return new Tag[] {new Tag("upstream", u.name()), new Tag("network", n.name())};
  }

  /** A gauge with its HELP text. */
  private <T, R extends Number> void gauge(String name, T part, Function<T, R> read, Tag... tags) {
    registry.gauge(MetricNames.metadata(name), part, read, tags);
  }
}
