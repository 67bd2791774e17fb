package dev.rpcshield.telemetry;

/** Every metric name RpcShield publishes, in one place (README "Metrics" lists them). */
public final class MetricNames {
  public static final String REQUESTS = "rpcshield.requests";
  public static final String REQUEST_DURATION = "rpcshield.request.duration";
  public static final String REFUSALS = "rpcshield.refusals";
  public static final String COMPUTE_UNITS = "rpcshield.compute.units";
  public static final String CLIENT_ABORTS = "rpcshield.client.aborts";
  public static final String WS_MESSAGES = "rpcshield.ws.messages";
  public static final String WS_CONNECTIONS = "rpcshield.ws.connections";
  public static final String WS_SUBSCRIPTIONS = "rpcshield.ws.subscriptions";
  public static final String UPSTREAM_REQUESTS = "rpcshield.upstream.requests";
  public static final String UPSTREAM_FAILURES = "rpcshield.upstream.failures";
  public static final String UPSTREAM_HEDGES = "rpcshield.upstream.hedges";
  public static final String UPSTREAM_LATENCY = "rpcshield.upstream.latency.ms";
  public static final String UPSTREAM_IN_ROTATION = "rpcshield.upstream.in.rotation";
  public static final String UPSTREAM_HEAD = "rpcshield.upstream.head";
  public static final String UPSTREAM_LAGGING = "rpcshield.upstream.lagging";
  public static final String FLAGS_RAISED = "rpcshield.ratewatch.flags.raised";
  public static final String REDIS_FALLBACKS = "rpcshield.limiter.redis.fallbacks";

  private MetricNames() {}
}
