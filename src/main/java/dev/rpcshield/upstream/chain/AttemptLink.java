package dev.rpcshield.upstream.chain;

import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.UpstreamReply;
import dev.rpcshield.telemetry.Trace;
import dev.rpcshield.upstream.ErrorClassifier;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamFailure;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamTransport;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import dev.rpcshield.upstream.UpstreamsConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The end of the chain: one exchange with the route's first upstream, its answer checked, and what
 * happened fed to that upstream's health (silence, latency, breaker, chain doubt). An exchange
 * abandoned because another hedge answered first is cancelled and counts for nothing, and an answer
 * over the size cap is the request's doing: it does not count against the upstream's breaker.
 */
public final class AttemptLink implements UpstreamCall {

  /** Told of each attempt that ended: see {@link dev.rpcshield.upstream.UpstreamMeter#attempt}. */
  @FunctionalInterface
  public interface Meter {
    void attempted(String upstream, String method, String outcome, long millis);
  }

  private final UpstreamTransport transport;
  private final AnswerCheck check;
  private final IntegrityCheck integrity;
  private final Clock clock;
  private final Meter meter;

  public AttemptLink(
      UpstreamTransport transport,
      ErrorClassifier classifier,
      UpstreamsConfig.Integrity integrity,
      Clock clock,
      Meter meter) {
    this.transport = transport;
    this.check = new AnswerCheck(classifier);
    this.integrity = new IntegrityCheck(integrity);
    this.clock = clock;
    this.meter = meter;
  }

  @Override
  public CompletionStage<Outcome> call(Exchange exchange) {
    Upstream upstream = exchange.target();
    Exchange.Route route = exchange.route();
    Duration timeout = min(upstream.settings().timeout(), exchange.deadline().remaining());
    long started = clock.millis();
    String method = exchange.calls().size() == 1 ? exchange.calls().get(0).method() : "batch";
    Trace span = exchange.trace().upstream(upstream.name(), method);
    upstream.health().startedWaiting();
    CompletableFuture<byte[]> sent;
    try {
      sent =
          route.batch() || route.submitsTransaction()
              ? transport.send(
                  upstream,
                  route.payload(),
                  timeout,
                  exchange.clientIp(),
                  span.traceparent(),
                  route.submitsTransaction())
              : transport.sendCall(
                  upstream,
                  route.payload(),
                  route.ids()[0],
                  timeout,
                  exchange.clientIp(),
                  span.traceparent());
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<byte[]> answer = sent;
    exchange.abandoned().thenRun(() -> answer.cancel(true));
    CompletableFuture<Outcome> settled =
        answer.handle(
            (body, thrown) -> settle(exchange, upstream, route, method, started, body, thrown));
    return span.recording()
        ? settled.whenComplete((outcome, thrown) -> ended(span, outcome, thrown))
        : settled;
  }

  /**
   * Ends an attempt's span with its outcome as the attempt metric names it; failed with the
   * upstream's failure, except for an attempt a hedge made needless (abandoned) and a pruned or
   * missing answer, which tell the route, not against the upstream.
   */
  private static void ended(Trace span, Outcome outcome, Throwable thrown) {
    try {
      UpstreamFailure failure = thrown == null ? outcome.failure() : null;
      if (thrown != null) {
        span.failed("the gateway failed");
      } else if (failure == null) {
        span.attribute("rpcshield.outcome", "ok");
      } else if (failure.interrupted()) {
        span.attribute("rpcshield.outcome", "abandoned");
      } else {
        span.attribute("rpcshield.outcome", outcome(failure.kind()));
        if (failure.kind() != Kind.PRUNED && failure.kind() != Kind.MISSING) {
          span.failed(failure.reason());
        }
      }
    } finally {
      span.end();
    }
  }

  private Outcome settle(
      Exchange exchange,
      Upstream upstream,
      Exchange.Route route,
      String method,
      long started,
      byte[] body,
      Throwable thrown) {
    long took = clock.millis() - started;
    if (thrown != null) {
      UpstreamFailure failure = UpstreamException.of(unwrap(thrown)).failure();
      Kind kind = failure.kind();
      upstream.health().stoppedWaiting(kind == Kind.HTTP_STATUS || kind == Kind.TOO_LARGE);
      if (exchange.abandoned().isDone()) {
        meter.attempted(upstream.name(), method, "abandoned", took);
        return failed(exchange, upstream, new UpstreamFailure(kind, "abandoned", true));
      }
      meter.attempted(upstream.name(), method, outcome(kind), took);
      upstream.health().connectionFailed(failure);
      upstream.health().recordAttempt(took, true);
      if (kind != Kind.TOO_LARGE) {
        upstream.breaker().onFailure(failure.reason());
      }
      return failed(exchange, upstream, failure);
    }
    upstream.health().stoppedWaiting(true);
    AnswerCheck.Checked checked =
        checkedIntegrity(exchange, upstream, pruned(upstream, route, check.check(route, body)));
    upstream.health().recordAttempt(took, checked.failure() != null);
    Kind kind = checked.failure() == null ? null : checked.failure().kind();
    meter.attempted(
        upstream.name(), method, kind == null ? answered(checked) : outcome(kind), took);
    if (kind == null || kind == Kind.PRUNED || kind == Kind.MISSING) {
      upstream.breaker().onSuccess();
    } else if (kind != Kind.PROVIDER_ERROR) {
      upstream.breaker().onFailure(checked.failure().reason());
    }
    return checked.byId() == null
        ? failed(exchange, upstream, checked.failure())
        : new Outcome(answers(exchange, checked), upstream.name(), checked.failure());
  }

  /**
   * The check, with a pruned-state error to a state call below the upstream's head made a failure
   * (the upstream learns it keeps no state that old, and failover asks another); an error at or
   * above its head is the chain's answer and stays one.
   */
  private static AnswerCheck.Checked pruned(
      Upstream upstream, Exchange.Route route, AnswerCheck.Checked checked) {
    long block = route.stateBlock();
    if (checked.failure() != null || block < 0 || block >= upstream.head().latest()) {
      return checked;
    }
    AnswerCheck.Pruned pruned = AnswerCheck.prunedState(checked, block);
    if (pruned == null) {
      return checked;
    }
    if (pruned.keepsNoState()) {
      upstream.lackedState(block);
    }
    return new AnswerCheck.Checked(checked.reply(), checked.byId(), pruned.failure());
  }

  /** The check, with the answers' integrity checked when they passed it. */
  private AnswerCheck.Checked checkedIntegrity(
      Exchange exchange, Upstream upstream, AnswerCheck.Checked checked) {
    if (checked.failure() != null) {
      return checked;
    }
    UpstreamFailure failure = integrity.failure(exchange, upstream, checked);
    return failure == null
        ? checked
        : new AnswerCheck.Checked(checked.reply(), checked.byId(), failure);
  }

  /** A failure's kind as an attempt's outcome: {@code timeout}, {@code http_status}... */
  private static String outcome(Kind kind) {
    return kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code error} when the one call was answered with the chain's error, else {@code ok}. */
  private static String answered(AnswerCheck.Checked checked) {
    var answers = checked.byId().values();
    return answers.size() == 1 && answers.iterator().next().isError() ? "error" : "ok";
  }

  /** Each call's answer with the client's id. */
  private static List<CallResult> answers(Exchange exchange, AnswerCheck.Checked checked) {
    List<CallResult> out = new ArrayList<>(exchange.calls().size());
    String upstream = exchange.target().name();
    for (int i = 0; i < exchange.calls().size(); i++) {
      RpcCall call = exchange.calls().get(i);
      UpstreamReply.Answer a = checked.byId().get(exchange.route().ids()[i]);
      byte[] body = call.isNotification() ? null : checked.reply().withClientId(a, call.rawId());
      out.add(new CallResult.Answer(body, a.isError(), upstream));
    }
    return out;
  }

  /** What every call gets when this upstream failed (failover may still find another). */
  static Outcome failed(Exchange exchange, Upstream upstream, UpstreamFailure failure) {
    String why = upstream.name() + ": " + failure.reason();
    RpcError error =
        switch (failure.kind()) {
          case TIMEOUT -> RpcError.of(RpcErrorCode.UPSTREAM_TIMEOUT, why);
          case TOO_LARGE -> RpcError.of(RpcErrorCode.RESPONSE_TOO_LARGE, upstream.name());
          default -> RpcError.of(RpcErrorCode.NO_UPSTREAM, why);
        };
    return Outcome.failed(exchange.calls(), error, upstream.name(), failure);
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null
        ? t.getCause()
        : t;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
