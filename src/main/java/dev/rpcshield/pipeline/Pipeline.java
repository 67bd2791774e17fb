package dev.rpcshield.pipeline;

import dev.rpcshield.config.ConfigScope;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.upstream.Dispatcher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The request path shared by every transport, one stage per job: parse, call policy, the key's
 * method and contract allowlists, pricing, cache lookup, charging, local answers, cache hits,
 * eth_getLogs limits and splitting, upstream dispatch (whose answers are offered to the cache),
 * reply. Each batch member is one {@link MemberOutcome} that the stages settle; a settled member
 * passes the later stages by. Admission (blocklist, key, account) happens before, when the
 * transport resolves the caller.
 */
@ApplicationScoped
public class Pipeline {
  private Parsing parsing;
  private CallPolicy policy;
  private Allowlisting allowlists;
  private Pricing pricing;
  private Charging charging;
  private LocalAnswers local;
  private Caching caching;
  private LogsSplitting logs;
  private Dispatcher dispatcher;
  private Replies replies;
  private CallRecorder recorder;
  private ConfigScope scope;

  @Inject
  void wire(
      Parsing parsing,
      CallPolicy policy,
      Allowlisting allowlists,
      Pricing pricing,
      Charging charging,
      LocalAnswers local,
      Caching caching,
      LogsSplitting logs,
      Dispatcher dispatcher,
      Replies replies,
      CallRecorder recorder,
      ConfigScope scope) {
    this.parsing = parsing;
    this.policy = policy;
    this.allowlists = allowlists;
    this.pricing = pricing;
    this.charging = charging;
    this.local = local;
    this.caching = caching;
    this.logs = logs;
    this.dispatcher = dispatcher;
    this.replies = replies;
    this.recorder = recorder;
    this.scope = scope;
  }

  /** Serves one HTTP body or one WebSocket message. */
  public GatewayReply serve(Request request) {
    return settle(request, this::runStages);
  }

  /**
   * Refuses a whole body before any stage runs (a WebSocket connection over its in-flight cap):
   * each member gets {@code error} with its own id, notifications get nothing.
   */
  public GatewayReply refuse(Request request, RpcError error) {
    return settle(
        request,
        (r, members) -> {
          for (MemberOutcome m : MemberOutcome.open(members)) {
            m.settle(Verdict.refused(error));
          }
        });
  }

  /**
   * Parses the body, lets {@code stages} settle its members, records them and assembles the reply;
   * a body refused as a whole is recorded and answered at once. The whole body is served under the
   * configuration in effect when it began.
   */
  private GatewayReply settle(Request request, BiConsumer<Request, List<MemberOutcome>> stages) {
    try (ConfigScope.Pinned pinned = scope.open()) {
      return settlePinned(request, stages);
    }
  }

  private GatewayReply settlePinned(
      Request request, BiConsumer<Request, List<MemberOutcome>> stages) {
    long started = System.nanoTime();
    Parsing.Result parsed = parsing.parse(request.body(), request.length());
    if (parsed.refusal() != null) {
      recorder.refused(request, since(started));
      return Replies.refused(parsed.refusal());
    }
    List<MemberOutcome> members = MemberOutcome.of(parsed.body().members());
    stages.accept(request, members);
    recorder.record(request, members, since(started));
    return replies.assemble(parsed.body().batch(), members);
  }

  private void runStages(Request request, List<MemberOutcome> members) {
    RequestContext ctx = new RequestContext(request);
    for (MemberOutcome m : MemberOutcome.open(members)) {
      m.settle(policy.check(ctx, m.call()));
    }
    for (MemberOutcome m : MemberOutcome.open(members)) {
      m.settle(allowlists.check(ctx, m.call()));
    }
    for (MemberOutcome m : MemberOutcome.open(members)) {
      m.settle(pricing.price(ctx.caller(), request.network(), m));
    }
    List<MemberOutcome> priced = MemberOutcome.open(members);
    for (MemberOutcome m : priced) {
      caching.lookup(request.network(), m);
    }
    if (!priced.isEmpty()) {
      List<Verdict> verdicts = charging.charge(ctx, priced);
      for (int i = 0; i < priced.size(); i++) {
        priced.get(i).settle(verdicts.get(i));
      }
    }
    for (MemberOutcome m : MemberOutcome.open(members)) {
      m.settle(local.answer(request, m.call()));
    }
    for (MemberOutcome m : MemberOutcome.open(members)) {
      m.settle(caching.answer(m));
    }
    for (MemberOutcome m : MemberOutcome.open(members)) {
      m.settle(logs.split(request, m.call()));
    }
    dispatch(request, MemberOutcome.open(members));
  }

  private void dispatch(Request request, List<MemberOutcome> outbound) {
    if (outbound.isEmpty()) {
      return;
    }
    List<RpcCall> calls = new ArrayList<>(outbound.size());
    for (MemberOutcome m : outbound) {
      calls.add(m.call());
    }
    List<Dispatcher.Result> results =
        dispatcher.send(request.network(), calls, request.caller().clientIp());
    for (int i = 0; i < outbound.size(); i++) {
      outbound.get(i).settle(results.get(i));
      caching.remember(request.network(), outbound.get(i), results.get(i));
    }
  }

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }
}
