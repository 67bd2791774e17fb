package dev.rpcshield.pipeline;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.limit.Decision;
import dev.rpcshield.limit.Limits;
import dev.rpcshield.limit.Rule;
import dev.rpcshield.telemetry.RequestMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Charges the priced members of one body in one limiter-store call (one Redis script for a whole
 * batch), then the monthly compute-unit quota of a keyed caller; records usage and compute units,
 * and refuses a member over a limit under the limit's class ({@code rps}, {@code cu}, {@code
 * monthly}, {@code method-rate}, {@code sender}). A refused member costs nothing.
 */
@ApplicationScoped
public class Charging extends DirectBean {
  @Inject Limits limits;
  @Inject Accounts accounts;
  @Inject RequestMetrics metrics;
  @Inject Clock clock;

  /** Reaches its collaborators without their client proxies ({@link DirectBean}). */
  @PostConstruct
  void direct() {
    limits = DirectBean.of(limits);
    accounts = DirectBean.of(accounts);
    metrics = DirectBean.of(metrics);
  }

  /** One verdict per member, in order; each member's decision is recorded on it. */
  public List<Verdict> charge(RequestContext ctx, List<MemberOutcome> members) {
    List<List<Rule>> rules = new ArrayList<>(members.size());
    for (MemberOutcome m : members) {
      rules.add(m.price().rules());
    }
    List<Decision> decisions = limits.store().charge(rules);
    List<Verdict> verdicts = new ArrayList<>(members.size());
    for (int i = 0; i < members.size(); i++) {
      MemberOutcome m = members.get(i);
      Decision d = quota(ctx.caller(), m.price().computeUnits(), decisions.get(i));
      m.decided(d);
      record(ctx, m.price().computeUnits(), d.allowed());
      verdicts.add(d.allowed() ? Verdict.PROCEED : refuse(m, d));
    }
    return verdicts;
  }

  /**
   * The monthly quota, checked after the rate rules passed: the database total plus what this
   * instance has not flushed yet (see UsageMeter).
   */
  private Decision quota(Caller caller, long cost, Decision rates) {
    if (!rates.allowed() || caller.account() == null) {
      return rates;
    }
    long monthly = caller.account().limits().monthlyCu();
    if (accounts.usage().withinQuota(caller.account().accountId(), cost, monthly)) {
      return rates;
    }
    return Decision.monthlyQuotaUsedUp(monthly, clock.instant());
  }

  private void record(RequestContext ctx, long computeUnits, boolean allowed) {
    Caller caller = ctx.caller();
    String network = ctx.request().network().name();
    if (allowed) {
      metrics.computeUnits("call", network, computeUnits);
    }
    if (caller.account() != null) {
      if (allowed) {
        accounts.usage().served(caller.account().accountId(), network, computeUnits);
      } else {
        accounts.usage().refused(caller.account().accountId(), network);
      }
    }
  }

  private static Verdict refuse(MemberOutcome m, Decision d) {
    boolean sender = "sender".equals(d.rule());
    RpcError error =
        RpcError.of(
            sender ? RpcErrorCode.SENDER_OVER_LIMIT : RpcErrorCode.RATE_LIMITED,
            (sender ? "" : d.rule() + ", ")
                + ("monthly".equals(d.rule())
                    ? "this month's compute units are used up; the quota resets at "
                        + Instant.ofEpochSecond(d.resetEpochSecond())
                    : "retry in " + d.retryAfterSeconds() + " s"));
    String refusalClass =
        sender ? "sender" : d.rule().startsWith("method:") ? "method-rate" : d.rule();
    return Verdict.refused(
        new Refusal(
            error, refusalClass, sender ? m.price().sender() : null, d.retryAfterSeconds()));
  }
}
