package dev.rpcshield.pipeline;

import dev.rpcshield.jsonrpc.InvalidMember;
import dev.rpcshield.jsonrpc.Member;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.limit.Decision;
import dev.rpcshield.upstream.chain.CallResult;
import java.util.ArrayList;
import java.util.List;

/**
 * One member of a client body as it goes through the stages: the call, its price and limiter
 * decision, and, once settled, its answer or error, HTTP status and metric outcome. A member is
 * settled once; the stages after that pass it by.
 */
public final class MemberOutcome {
  private final RequestContext ctx;
  private final Member member;
  private Price price;
  private Decision decision;
  private byte[] body;
  private int status = 200;
  private String outcome;
  private String cacheStatus;
  private Refusal refusal;
  private String errorCode;

  private MemberOutcome(RequestContext ctx, Member member) {
    this.ctx = ctx;
    this.member = member;
    if (member instanceof InvalidMember invalid) {
      body = RpcWriter.error(invalid.rawId(), invalid.error(), ctx.requestId());
      status = invalid.error().code().httpStatus();
      outcome = "invalid";
      errorCode = code(invalid.error());
    }
  }

  /**
   * The members of a parsed body of the request {@code ctx}, in the client's order; invalid members
   * are settled already.
   */
  public static List<MemberOutcome> of(RequestContext ctx, List<Member> members) {
    List<MemberOutcome> out = new ArrayList<>(members.size());
    for (Member m : members) {
      out.add(new MemberOutcome(ctx, m));
    }
    return out;
  }

  /** The members still open, in order. */
  public static List<MemberOutcome> open(List<MemberOutcome> members) {
    List<MemberOutcome> out = new ArrayList<>(members.size());
    for (MemberOutcome m : members) {
      if (m.isOpen()) {
        out.add(m);
      }
    }
    return out;
  }

  /** The call, or null for a member that is not a valid request. */
  public RpcCall call() {
    return member instanceof RpcCall c ? c : null;
  }

  public boolean isOpen() {
    return outcome == null;
  }

  /** Applies a stage's verdict; a member already settled keeps its first answer. */
  public void settle(Verdict verdict) {
    if (!isOpen()) {
      return;
    }
    switch (verdict) {
      case Verdict.Proceed p -> {}
      case Verdict.Answered a -> finish(a.body(), 200, "ok");
      case Verdict.Refused r -> refused(r.refusal(), r.outcome());
    }
  }

  /** Applies what the outbound call produced for this member. */
  public void settle(CallResult result) {
    switch (result) {
      case CallResult.Answer a -> {
        finish(a.body(), 200, a.chainError() ? "error" : "ok");
        errorCode = a.chainError() ? "chain" : null;
      }
      case CallResult.Refused r -> refused(r.refusal(), "refused");
      case CallResult.Failure f -> {
        finish(
            RpcWriter.error(member.rawId(), f.error(), ctx.requestId()),
            f.error().code().httpStatus(),
            "failed");
        errorCode = code(f.error());
      }
    }
  }

  /**
   * Answered with the refusal's error and a {@code data} object naming the request; a refusal about
   * the call itself gets 200, as a node answers its call errors, unless {@code
   * rpcshield.http.call-errors-status} is {@code 4xx}.
   */
  private void refused(Refusal r, String metricOutcome) {
    boolean callError =
        r.error().code().aboutTheCall() && ctx.config(GatewayConfig.class).callErrorsAt200();
    finish(
        RpcWriter.refusal(r, member.rawId(), ctx.requestId()),
        callError ? 200 : r.status(),
        metricOutcome);
    refusal = r;
    errorCode = code(r.error());
  }

  private void finish(byte[] answer, int httpStatus, String metricOutcome) {
    body = member.isNotification() ? null : answer;
    status = httpStatus;
    outcome = metricOutcome;
  }

  private static String code(RpcError error) {
    return Integer.toString(error.code().code());
  }

  /**
   * The code of the JSON-RPC error it was answered with ({@code chain} for the chain's own error
   * passed on), or null when it was not answered with an error the gateway saw.
   */
  public String errorCode() {
    return errorCode;
  }

  void priced(Price p) {
    price = p;
  }

  void decided(Decision d) {
    decision = d;
  }

  void cacheStatus(String status) {
    cacheStatus = status;
  }

  /**
   * {@code HIT} or {@code MISS} once the outbound call saw the member; null when caching is off.
   */
  public String cacheStatus() {
    return cacheStatus;
  }

  /** Set by pricing: what the call costs. */
  public Price price() {
    return price;
  }

  /** Set by charging: the limiter's decision, or null when the member was not charged. */
  public Decision decision() {
    return decision;
  }

  /** The answer or error to send back, or null (a notification, or not settled). */
  public byte[] body() {
    return body;
  }

  /** Why the gateway refused this member, or null: it was not refused (or is still open). */
  public Refusal refusal() {
    return refusal;
  }

  /** The HTTP status this member would get as a single request. */
  public int status() {
    return status;
  }

  /** The metric outcome: ok, error, refused, invalid or failed; null while open. */
  public String outcome() {
    return outcome;
  }
}
