package dev.rpcshield.telemetry;

import dev.rpcshield.config.DirectBean;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * The per-call metrics of RpcShield's MicroProfile Metrics (gauges of the parts observed are
 * registered by {@code ops}), published in Prometheus text at {@code /metrics}. Names are in {@link
 * MetricNames} and documented in docs/operations.md. Labels carry methods, outcomes, identity
 * types, networks and upstream names, never keys or addresses.
 */
@ApplicationScoped
public class RequestMetrics extends DirectBean {
  @Inject MetricRegistry registry;

  /**
   * Counters and timers by their label values, so a call does not look them up by name and tags (a
   * profiled per-request cost). Bounded: methods are allow-listed names or {@code other}; refusal
   * classes, compute-unit sources and networks are fixed sets.
   */
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();

  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
  private final Map<String, Counter> computeUnits = new ConcurrentHashMap<>();
  private final Map<Integer, Counter> httpResponses = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private Counter socketMessages;

  @PostConstruct
  void init() {
    socketMessages = registry.counter(MetricNames.metadata(MetricNames.WS_MESSAGES));
  }

  /** One answered call on {@code network}. */
  public void call(String method, String outcome, String identity, String network, Duration took) {
    requests
        .computeIfAbsent(
            method + '\u0000' + outcome + '\u0000' + identity + '\u0000' + network,
            k ->
                registry.counter(
                    MetricNames.metadata(MetricNames.REQUESTS),
                    new Tag("method", method),
                    new Tag("outcome", outcome),
                    new Tag("identity", identity),
                    new Tag("network", network)))
        .inc();
    durations
        .computeIfAbsent(
            method,
            m ->
                registry.timer(
                    MetricNames.metadata(MetricNames.REQUEST_DURATION), new Tag("method", m)))
        .update(took);
  }

  /** One refusal by a policy ({@code rate}, {@code cu}, {@code monthly}, {@code sender}, ...). */
  public void refusal(String refusalClass) {
    refusals
        .computeIfAbsent(
            refusalClass,
            c -> registry.counter(MetricNames.metadata(MetricNames.REFUSALS), new Tag("class", c)))
        .inc();
  }

  /**
   * Compute units served on {@code network}, by what used them: {@code call} or {@code
   * notification}.
   */
  public void computeUnits(String source, String network, long units) {
    if (units > 0) {
      computeUnits
          .computeIfAbsent(
              source + '\u0000' + network,
              k ->
                  registry.counter(
                      MetricNames.metadata(MetricNames.COMPUTE_UNITS),
                      new Tag("source", source),
                      new Tag("network", network)))
          .inc(units);
    }
  }

  /** One HTTP answer on a JSON-RPC path with {@code status}. */
  public void httpResponse(int status) {
    httpResponses
        .computeIfAbsent(
            status,
            s ->
                registry.counter(
                    MetricNames.metadata(MetricNames.HTTP_RESPONSES),
                    new Tag("status", Integer.toString(s))))
        .inc();
  }

  /**
   * One JSON-RPC error answered: {@code code} is the gateway's code, or {@code chain} for the
   * chain's own error answer passed on (its codes are the node's, not a bounded set).
   */
  public void error(String code) {
    errors
        .computeIfAbsent(
            code,
            c -> registry.counter(MetricNames.metadata(MetricNames.ERRORS), new Tag("code", c)))
        .inc();
  }

  /**
   * Calls answered since start and those of them the gateway failed to answer (outcome {@code
   * failed}): the console's rate and error ratio.
   */
  public long[] callsAndFailures() {
    long calls = 0;
    long failed = 0;
    for (Map.Entry<String, Counter> e : requests.entrySet()) {
      long n = e.getValue().getCount();
      calls += n;
      if (e.getKey().split("\u0000", 3)[1].equals("failed")) {
        failed += n;
      }
    }
    return new long[] {calls, failed};
  }

  /** Refusals since start by class. */
  public Map<String, Long> refusalsByClass() {
    Map<String, Long> out = new TreeMap<>();
    refusals.forEach((c, counter) -> out.put(c, counter.getCount()));
    return out;
  }

  /** One WebSocket message received. */
  public void socketMessage() {
    socketMessages.inc();
  }
}
