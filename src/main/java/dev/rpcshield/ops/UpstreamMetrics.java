package dev.rpcshield.ops;

import dev.rpcshield.config.Current;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.pipeline.CallPolicy;
import dev.rpcshield.pipeline.GatewayConfig;
import dev.rpcshield.telemetry.AttemptTally;
import dev.rpcshield.telemetry.MetricNames;
import dev.rpcshield.telemetry.TrafficHistory;
import dev.rpcshield.upstream.UpstreamMeter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * The upstreams' attempts and state changes as Prometheus conventions have them: {@code
 * rpcshield_upstream_requests_total{network,upstream,method,outcome}}, the histogram {@code
 * rpcshield_upstream_request_duration_seconds{network,upstream}} and {@code
 * rpcshield_upstream_state_changes_total{network,upstream,to}}, with {@code
 * rpcshield_hedges_total{network,upstream}} and {@code
 * rpcshield_hedge_wins_total{network,upstream}}. Counters and timers are kept by their label
 * values, so an attempt does not look them up by name and tags. A method is named as the request
 * metrics name it (a prefix-allowed one by its pattern), so no client can add series. The series of
 * an upstream a reload removed stay (they stop growing): calls still in flight on the layout before
 * the reload may count on them.
 */
@ApplicationScoped
public class UpstreamMetrics extends DirectBean implements UpstreamMeter {
  @Inject MetricRegistry registry;
  @Inject Current<GatewayConfig> gateway;

  private final Map<String, Counter> attempts = new ConcurrentHashMap<>();
  private final Map<String, Durations> durations = new ConcurrentHashMap<>();
  private final Map<String, Counter> changes = new ConcurrentHashMap<>();
  private final Map<String, Counter> hedges = new ConcurrentHashMap<>();
  private final Map<String, Counter> wins = new ConcurrentHashMap<>();

  @Override
  public void attempt(String network, String upstream, String call, String outcome, long millis) {
    String method = call.equals("batch") ? call : CallPolicy.metricName(gateway.get(), call);
    attempts
        .computeIfAbsent(
            network + '\u0000' + upstream + '\u0000' + method + '\u0000' + outcome,
            k ->
                registry.counter(
                    MetricNames.metadata(MetricNames.UPSTREAM_REQUESTS),
                    new Tag("network", network),
                    new Tag("upstream", upstream),
                    new Tag("method", method),
                    new Tag("outcome", outcome)))
        .inc();
    Durations d =
        durations.computeIfAbsent(
            network + '\u0000' + upstream,
            k ->
                new Durations(
                    network,
                    upstream,
                    registry.timer(
                        MetricNames.metadata(MetricNames.UPSTREAM_REQUEST_DURATION),
                        new Tag("network", network),
                        new Tag("upstream", upstream)),
                    new AttemptTally()));
    d.timer().update(Duration.ofMillis(millis));
    if (!outcome.equals("abandoned")) {
      d.tally().add(!outcome.equals("ok") && !outcome.equals("error"), millis);
    }
  }

  /** Every upstream's attempts since start, for the console's charts. */
  public List<TrafficHistory.UpstreamTotals> totals() {
    List<TrafficHistory.UpstreamTotals> out = new ArrayList<>();
    for (Durations d : durations.values()) {
      out.add(d.tally().totals(d.network(), d.upstream()));
    }
    return out;
  }

  /**
   * An upstream's duration histogram and its tally for the console; an attempt a hedge abandoned is
   * timed but not tallied (it did not fail, and it did not answer).
   */
  private record Durations(String network, String upstream, Timer timer, AttemptTally tally) {}

  @Override
  public void stateChanged(String network, String upstream, String to) {
    changes
        .computeIfAbsent(
            network + '\u0000' + upstream + '\u0000' + to,
            k ->
                registry.counter(
                    MetricNames.metadata(MetricNames.UPSTREAM_STATE_CHANGES),
                    new Tag("network", network),
                    new Tag("upstream", upstream),
                    new Tag("to", to)))
        .inc();
  }

  @Override
  public void hedged(String network, String upstream) {
    byUpstream(hedges, MetricNames.HEDGES, network, upstream).inc();
  }

  @Override
  public void hedgeWon(String network, String upstream) {
    byUpstream(wins, MetricNames.HEDGE_WINS, network, upstream).inc();
  }

  private Counter byUpstream(
      Map<String, Counter> counters, String name, String network, String upstream) {
    return counters.computeIfAbsent(
        network + '\u0000' + upstream,
        k ->
            registry.counter(
                MetricNames.metadata(name),
                new Tag("network", network),
                new Tag("upstream", upstream)));
  }
}
