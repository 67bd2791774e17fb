package dev.rpcshield.pipeline;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.identity.AccountView;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.telemetry.RequestMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/**
 * Counts every member of a served body by method, outcome, identity type and network, with its
 * time, and hands every member's refusal (a stage's or the outbound call's) to {@link Refusals}. A
 * keyed caller's members are also counted as its account's usage of the day, by key, network and
 * method, with the compute units it was charged.
 */
@ApplicationScoped
public class CallRecorder extends DirectBean {
  @Inject RequestMetrics metrics;
  @Inject CallPolicy policy;
  @Inject Refusals refusals;
  @Inject Accounts accounts;

  /** Reaches its collaborators without their client proxies ({@link DirectBean}). */
  @PostConstruct
  void direct() {
    metrics = DirectBean.of(metrics);
    policy = DirectBean.of(policy);
    refusals = DirectBean.of(refusals);
    accounts = DirectBean.of(accounts);
  }

  public void record(RequestContext ctx, List<MemberOutcome> members, Duration took) {
    String identity = ctx.caller().identityType();
    String network = ctx.request().network().name();
    AccountView account = ctx.caller().account();
    for (MemberOutcome m : members) {
      String method =
          m.call() == null ? "invalid" : policy.metricName(ctx.request(), m.call().method());
      metrics.call(method, m.outcome(), identity, network, took);
      if (account != null) {
        // As charging counted it for the month: priced and allowed by the limiter.
        boolean charged = m.decision() != null && m.decision().allowed() && m.price() != null;
        accounts
            .usage()
            .called(
                account.accountId(),
                account.keyId(),
                network,
                method,
                charged ? m.price().computeUnits() : 0,
                m.outcome());
      }
      if (m.errorCode() != null) {
        metrics.error(m.errorCode());
      }
      if (m.refusal() != null) {
        refusals.record(ctx.caller(), ctx.requestId(), method, m.refusal());
      }
    }
  }

  /**
   * A body refused as a whole with {@code error}: counted as invalid, and recorded as a refusal
   * when it broke a limit ({@code limit}; null when it is only not valid JSON-RPC).
   */
  public void refused(RequestContext ctx, RpcError error, Refusal limit, Duration took) {
    metrics.call(
        "invalid", "invalid", ctx.caller().identityType(), ctx.request().network().name(), took);
    metrics.error(Integer.toString(error.code().code()));
    if (limit != null) {
      refusals.record(ctx.caller(), ctx.requestId(), "-", limit);
    }
  }
}
