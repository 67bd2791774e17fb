package dev.rpcshield.pipeline;

import dev.rpcshield.config.DirectBean;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.ratewatch.Ratewatch;
import dev.rpcshield.telemetry.EventLog;
import dev.rpcshield.telemetry.RequestMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The one place a refusal is recorded, whatever refused it: counted in {@code
 * rpcshield_refusals_total} by its class, written as one event-log line, and counted in ratewatch
 * against the transaction sender it names, else the caller's account or address. Admission and
 * handshake refusals come from the ingress, a body's from {@link CallRecorder} once it is answered.
 */
@ApplicationScoped
public class Refusals extends DirectBean {
  @Inject RequestMetrics metrics;
  @Inject Ratewatch ratewatch;

  /** Reaches its collaborators without their client proxies ({@link DirectBean}). */
  @PostConstruct
  void direct() {
    metrics = DirectBean.of(metrics);
    ratewatch = DirectBean.of(ratewatch);
  }

  /**
   * Records one refusal.
   *
   * @param requestId the request's id in the event log
   * @param method the method as metrics name it, or {@code -} when the request was refused before
   *     its body was read
   */
  public void record(Caller caller, String requestId, String method, Refusal refusal) {
    metrics.refusal(refusal.refusalClass());
    EventLog.refusal(
        requestId,
        caller.identityType(),
        method,
        refusal.refusalClass(),
        refusal.error().message());
    ratewatch.refused(caller, refusal.sender());
  }
}
