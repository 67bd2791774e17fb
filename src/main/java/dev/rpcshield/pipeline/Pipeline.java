package dev.rpcshield.pipeline;

import dev.rpcshield.config.DirectBean;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.limit.SharedRedis;
import dev.rpcshield.telemetry.Trace;
import dev.rpcshield.upstream.chain.CallResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The request path shared by every transport, one stage per job: parse, call policy, the key's
 * method and contract allowlists, pricing, charging, local answers, then one outbound call for the
 * members left (the network's chain: cache, eth_getLogs split, group split, hedge, failover, retry,
 * attempt), and the reply. Each batch member is one {@link MemberOutcome} that the stages settle; a
 * settled member passes the later stages by. A stage refuses with a value ({@link Verdict.Refused},
 * as the chain does with its {@code CallResult.Refused}); the refusals are recorded together once
 * the body is answered ({@link CallRecorder}, {@link Refusals}). Admission (blocklist, key,
 * account) happens before, when the transport resolves the caller. The stages run on the calling
 * thread; the reply completes when the outbound call does, on whichever thread completes it,
 * without waiting on any. Every stage, the outbound call and the recording read their configuration
 * from the request's own generation, never from a thread, so all of a request's work is done under
 * the one it began with.
 */
@ApplicationScoped
public class Pipeline extends DirectBean {
  private static final Logger LOG = Logger.getLogger(Pipeline.class.getName());

  private Parsing parsing;
  private CallPolicy policy;
  private Allowlisting allowlists;
  private Pricing pricing;
  private Charging charging;
  private LocalAnswers local;
  private Caching caching;
  private Outbound outbound;
  private Replies replies;
  private CallRecorder recorder;

  @Inject SharedRedis redis;

  @Inject
  void wire(
      Parsing parsing,
      CallPolicy policy,
      Allowlisting allowlists,
      Pricing pricing,
      Charging charging,
      LocalAnswers local,
      Caching caching,
      Outbound outbound,
      Replies replies,
      CallRecorder recorder) {
    this.parsing = DirectBean.of(parsing);
    this.policy = DirectBean.of(policy);
    this.allowlists = DirectBean.of(allowlists);
    this.pricing = DirectBean.of(pricing);
    this.charging = DirectBean.of(charging);
    this.local = DirectBean.of(local);
    this.caching = DirectBean.of(caching);
    this.outbound = DirectBean.of(outbound);
    this.replies = DirectBean.of(replies);
    this.recorder = DirectBean.of(recorder);
    redis = DirectBean.of(redis);
  }

  /**
   * Whether serving may block the calling thread: charging and the response cache then ask Redis,
   * so a transport serves from a thread of its own rather than the container's.
   */
  public boolean blocks() {
    return redis != null && redis.configured();
  }

  /** Serves one HTTP body or one WebSocket message; a failure completes the stage, never thrown. */
  public CompletionStage<GatewayReply> serve(Request request) {
    try {
      return settle(request, true);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Refuses a whole body before any stage runs (a WebSocket connection over its in-flight cap):
   * each member gets the refusal's error with its own id, notifications get nothing, and each is
   * recorded as refused.
   */
  public GatewayReply refuse(Request request, Refusal refusal) {
    return settle(request, false, refusal).toCompletableFuture().join();
  }

  private CompletionStage<GatewayReply> settle(Request request, boolean serve) {
    return settle(request, serve, null);
  }

  /**
   * Parses the body, lets the stages settle its members (or refuses them all with {@code refusal}),
   * records them and assembles the reply; a body refused as a whole is recorded and answered at
   * once.
   */
  private CompletionStage<GatewayReply> settle(Request request, boolean serve, Refusal refusal) {
    long started = System.nanoTime();
    RequestContext ctx = new RequestContext(request);
    Parsing.Result parsed = parsing.parse(request);
    if (parsed.refusal() != null) {
      Refusal limit = parsed.limit();
      recorder.refused(ctx, parsed.refusal(), limit, since(started));
      return CompletableFuture.completedFuture(
          limit == null
              ? Replies.refused(parsed.refusal(), ctx.requestId())
              : Replies.refused(limit, ctx));
    }
    List<MemberOutcome> members = MemberOutcome.of(ctx, parsed.body().members());
    boolean batch = parsed.body().batch();
    if (request.trace().recording() && !members.isEmpty()) {
      RpcCall first = members.get(0).call();
      request
          .trace()
          .attribute(
              "rpc.method",
              batch
                  ? "batch"
                  : first == null
                      ? "invalid"
                      : CallPolicy.metricName(request.config(GatewayConfig.class), first.method()));
    }
    CompletionStage<Void> sent;
    if (serve) {
      sent = runStages(ctx, members);
    } else {
      for (MemberOutcome m : MemberOutcome.open(members)) {
        m.settle(Verdict.refused(refusal));
      }
      sent = CompletableFuture.completedFuture(null);
    }
    return sent.thenApply(done -> {
      recorder.record(ctx, members, since(started));
      return replies.assemble(batch, members);
    });
  }

  private CompletionStage<Void> runStages(RequestContext ctx, List<MemberOutcome> members) {
    Request request = ctx.request();
    for (MemberOutcome m : MemberOutcome.open(members)) {
      m.settle(policy.check(ctx, m.call()));
    }
    for (MemberOutcome m : MemberOutcome.open(members)) {
      m.settle(allowlists.check(ctx, m.call()));
    }
    for (MemberOutcome m : MemberOutcome.open(members)) {
      m.settle(pricing.price(ctx, m));
    }
    List<MemberOutcome> priced = MemberOutcome.open(members);
    for (MemberOutcome m : priced) {
      caching.discount(request, m);
    }
    if (!priced.isEmpty()) {
      Trace limiter = request.trace().child("rpcshield.limiter");
      List<Verdict> verdicts;
      try {
        verdicts = charging.charge(ctx, priced);
      } finally {
        limiter.end();
      }
      for (int i = 0; i < priced.size(); i++) {
        priced.get(i).settle(verdicts.get(i));
      }
    }
    for (MemberOutcome m : MemberOutcome.open(members)) {
      m.settle(local.answer(ctx, m.call()));
    }
    return send(ctx, MemberOutcome.open(members));
  }

  /** The one outbound call: every member still open goes to the network's chain together. */
  private CompletionStage<Void> send(RequestContext ctx, List<MemberOutcome> outbound) {
    Request request = ctx.request();
    if (outbound.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<RpcCall> calls = new ArrayList<>(outbound.size());
    for (MemberOutcome m : outbound) {
      calls.add(m.call());
    }
    boolean caching = this.caching.enabled();
    return this.outbound
        .send(request, calls)
        .handle((outcome, failure) -> {
          if (failure != null) {
            LOG.log(Level.WARNING, "request " + ctx.requestId() + " failed upstream", failure);
          }
          for (int i = 0; i < outbound.size(); i++) {
            MemberOutcome m = outbound.get(i);
            CallResult result =
                failure == null
                    ? outcome.results().get(i)
                    : CallResult.Failure.of(m.call(), RpcError.of(RpcErrorCode.INTERNAL_ERROR));
            m.settle(result);
            if (caching) {
              m.cacheStatus(result instanceof CallResult.Answer a && a.cached() ? "HIT" : "MISS");
            }
          }
          return null;
        });
  }

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }
}
