package dev.rpcshield.upstream.chain;

import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamFailure;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tries the route's upstreams one after another, skipping those out of rotation, at their caps or
 * without the state of the route's block, until one answers. A provider's error answer (a rate
 * limit), or a null block that the upstream's head says it has, is returned only when no upstream
 * does better; an answer too large for the cap, or a transaction submission that may have reached
 * an upstream, ends the exchange there. When none answers, the error names what each did.
 */
public final class FailoverLink implements UpstreamCall {
  private final UpstreamCall next;

  public FailoverLink(UpstreamCall next) {
    this.next = next;
  }

  /** What the upstreams tried so far did. */
  private static final class Tally {
    final List<String> reasons = new ArrayList<>();

    /** An answer to return when no upstream does better: a provider's error, or a null block. */
    Outcome fallback;

    Outcome last;
    int tried;
    int timeouts;
  }

  @Override
  public CompletionStage<Outcome> call(Exchange exchange) {
    return from(exchange, 0, new Tally());
  }

  private CompletionStage<Outcome> from(Exchange exchange, int i, Tally tally) {
    List<Upstream> order = exchange.route().order();
    for (; i < order.size(); i++) {
      Upstream u = order.get(i);
      if (exchange.unwanted()) {
        return done(abandoned(exchange));
      }
      String passedOver = passedOver(u, exchange.route());
      if (passedOver != null) {
        tally.reasons.add(passedOver);
        continue;
      }
      if (exchange.deadline().expired()) {
        break;
      }
      if (!u.tryAcquire()) {
        tally.reasons.add(u.name() + (u.removed() ? ": removed by a reload" : ": at capacity"));
        continue;
      }
      int at = i;
      return next.call(exchange.routed(exchange.route().to(order.subList(at, order.size()))))
          .whenComplete((o, t) -> u.release())
          .thenCompose(o -> judged(exchange, at, u, o, tally));
    }
    return done(exhausted(exchange, tally));
  }

  private CompletionStage<Outcome> judged(
      Exchange exchange, int at, Upstream u, Outcome o, Tally tally) {
    UpstreamFailure failure = o.failure();
    if (failure == null) {
      return done(o);
    }
    if (failure.interrupted() && exchange.unwanted()) {
      return done(o);
    }
    if (failure.kind() == Kind.TOO_LARGE) {
      return done(o);
    }
    if (exchange.route().submitsTransaction() && !failure.safeToResubmit()) {
      return done(notResent(exchange, u, failure));
    }
    tally.tried++;
    tally.last = o;
    if (failure.kind() == Kind.TIMEOUT) {
      tally.timeouts++;
    }
    if ((failure.kind() == Kind.PROVIDER_ERROR || failure.kind() == Kind.MISSING)
        && o.results().get(0) instanceof CallResult.Answer) {
      tally.fallback = Outcome.answered(o.results(), o.upstream());
    }
    tally.reasons.add(u.name() + ": " + failure.reason());
    return from(exchange, at + 1, tally);
  }

  private static Outcome exhausted(Exchange exchange, Tally tally) {
    if (tally.fallback != null) {
      return tally.fallback;
    }
    String detail = tally.reasons.isEmpty() ? "deadline passed" : String.join("; ", tally.reasons);
    boolean timedOut =
        exchange.deadline().expired() || (tally.tried > 0 && tally.timeouts == tally.tried);
    RpcError error =
        RpcError.of(timedOut ? RpcErrorCode.UPSTREAM_TIMEOUT : RpcErrorCode.NO_UPSTREAM, detail);
    UpstreamFailure why =
        tally.last != null
            ? tally.last.failure()
            : new UpstreamFailure(timedOut ? Kind.TIMEOUT : Kind.CONNECT, detail);
    return Outcome.failed(
        exchange.calls(), error, tally.last == null ? null : tally.last.upstream(), why);
  }

  /** A submission that may have reached the upstream is never sent elsewhere. */
  private static Outcome notResent(Exchange exchange, Upstream u, UpstreamFailure failure) {
    String why =
        u.name()
            + ": "
            + failure.reason()
            + " (the transaction may have reached it, so it was not sent elsewhere)";
    RpcErrorCode code =
        failure.kind() == Kind.TIMEOUT ? RpcErrorCode.UPSTREAM_TIMEOUT : RpcErrorCode.NO_UPSTREAM;
    return Outcome.failed(exchange.calls(), RpcError.of(code, why), u.name(), failure);
  }

  /**
   * Why {@code u} is not asked for the route at all (out of service, or it keeps no state of the
   * route's block), as the client may read it; null when it may be asked.
   */
  static String passedOver(Upstream u, Exchange.Route route) {
    if (!u.breaker().inRotation()) {
      return u.name() + ": out of service";
    }
    if (!u.keepsStateOf(route.stateBlock())) {
      return u.name()
          + ": keeps no state of block "
          + route.stateBlock()
          + " (only from block "
          + u.stateFrom()
          + ")";
    }
    return null;
  }

  static Outcome abandoned(Exchange exchange) {
    return Outcome.failed(
        exchange.calls(),
        RpcError.of(RpcErrorCode.NO_UPSTREAM, "cancelled: another upstream answered"),
        null,
        new UpstreamFailure(Kind.IO, "abandoned", true));
  }

  private static CompletionStage<Outcome> done(Outcome o) {
    return CompletableFuture.completedFuture(o);
  }
}
