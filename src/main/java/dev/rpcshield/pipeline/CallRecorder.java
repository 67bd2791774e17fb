package dev.rpcshield.pipeline;

import dev.rpcshield.telemetry.RequestMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/**
 * Counts every member of a served body by method, outcome, identity type and network, with its
 * time.
 */
@ApplicationScoped
public class CallRecorder {
  @Inject RequestMetrics metrics;
  @Inject CallPolicy policy;

  public void record(Request request, List<MemberOutcome> members, Duration took) {
    String identity = request.caller().identityType();
    String network = request.network().name();
    for (MemberOutcome m : members) {
      String method = m.call() == null ? "invalid" : policy.metricName(m.call().method());
      metrics.call(method, m.outcome(), identity, network, took);
    }
  }

  /** A body refused as a whole. */
  public void refused(Request request, Duration took) {
    metrics.call(
        "invalid", "invalid", request.caller().identityType(), request.network().name(), took);
  }
}
