package dev.rpcshield.ops;

import dev.rpcshield.limit.SharedRedis;
import dev.rpcshield.ratewatch.Ratewatch;
import dev.rpcshield.telemetry.MetricNames;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.Upstreams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.Function;
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

  /** Registers the per-upstream gauges. */
  void watch(Upstreams upstreams) {
    for (Upstream u : upstreams.all()) {
      Tag name = new Tag("upstream", u.name());
      gauge(MetricNames.UPSTREAM_REQUESTS, u, Upstream::requests, name);
      gauge(MetricNames.UPSTREAM_FAILURES, u, Upstream::failures, name);
      gauge(MetricNames.UPSTREAM_HEDGES, u, Upstream::hedges, name);
      gauge(MetricNames.UPSTREAM_LATENCY, u, Upstream::latencyMillis, name);
      gauge(MetricNames.UPSTREAM_IN_ROTATION, u, x -> x.breaker().inRotation() ? 1 : 0, name);
      gauge(MetricNames.UPSTREAM_HEAD, u, x -> x.head().latest(), name);
      gauge(MetricNames.UPSTREAM_LAGGING, u, x -> x.head().lagging() ? 1 : 0, name);
    }
  }

  /** A gauge with its HELP text. */
  private <T, R extends Number> void gauge(String name, T part, Function<T, R> read, Tag... tags) {
    registry.gauge(MetricNames.metadata(name), part, read, tags);
  }
}
