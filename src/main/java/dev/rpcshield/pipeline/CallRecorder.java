package dev.rpcshield.pipeline;

import dev.rpcshield.telemetry.RequestMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/** Counts every member of a served body by method, outcome and identity type, with its time. */
@ApplicationScoped
public class CallRecorder {
  @Inject RequestMetrics metrics;
  @Inject CallPolicy policy;

  public void record(String identity, List<MemberOutcome> members, Duration took) {
    for (MemberOutcome m : members) {
      String method = m.call() == null ? "invalid" : policy.metricName(m.call().method());
      metrics.call(method, m.outcome(), identity, took);
    }
  }

  /** A body refused as a whole. */
  public void refused(String identity, Duration took) {
    metrics.call("invalid", "invalid", identity, took);
  }
}
