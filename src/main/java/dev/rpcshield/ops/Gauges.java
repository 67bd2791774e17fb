package dev.rpcshield.ops;

import dev.rpcshield.limit.SharedRedis;
import dev.rpcshield.ratewatch.Ratewatch;
import dev.rpcshield.telemetry.MetricNames;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.Upstreams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
    registry.gauge(
        MetricNames.metadata(MetricNames.REDIS_FALLBACKS), redis, SharedRedis::fallbacks);
  }

  /** Registers the count of high-rate flags raised. */
  void watch(Ratewatch ratewatch) {
    registry.gauge(
        MetricNames.metadata(MetricNames.FLAGS_RAISED), ratewatch, Ratewatch::flagsRaised);
  }

  /** Registers the per-upstream gauges. */
  void watch(Upstreams upstreams) {
    for (Upstream u : upstreams.all()) {
      Tag name = new Tag("upstream", u.name());
      registry.gauge(
          MetricNames.metadata(MetricNames.UPSTREAM_REQUESTS), u, Upstream::requests, name);
      registry.gauge(
          MetricNames.metadata(MetricNames.UPSTREAM_FAILURES), u, Upstream::failures, name);
      registry.gauge(MetricNames.metadata(MetricNames.UPSTREAM_HEDGES), u, Upstream::hedges, name);
      registry.gauge(
          MetricNames.metadata(MetricNames.UPSTREAM_LATENCY), u, Upstream::latencyMillis, name);
      registry.gauge(
          MetricNames.metadata(MetricNames.UPSTREAM_IN_ROTATION),
          u,
          x -> x.breaker().inRotation() ? 1 : 0,
          name);
      registry.gauge(
          MetricNames.metadata(MetricNames.UPSTREAM_HEAD), u, x -> x.head().latest(), name);
      registry.gauge(
          MetricNames.metadata(MetricNames.UPSTREAM_LAGGING),
          u,
          x -> x.head().lagging() ? 1 : 0,
          name);
    }
  }
}
