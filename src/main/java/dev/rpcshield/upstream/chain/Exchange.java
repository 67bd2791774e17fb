package dev.rpcshield.upstream.chain;

import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.telemetry.Trace;
import dev.rpcshield.upstream.ClientSink;
import dev.rpcshield.upstream.Deadline;
import dev.rpcshield.upstream.Upstream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One outbound call as it goes down the chain. Above the group split it is the calls of a body that
 * need an answer; the group split turns it into one sub-exchange per minibatch, each with a {@link
 * Route}; failover and retry narrow the route to one upstream for the attempt.
 *
 * @param calls the calls to answer, in the client's order
 * @param deadline when the client stops waiting: no attempt or pause runs past it
 * @param clientIp the caller's address, sent only to upstreams configured to receive it
 * @param sink the client's WebSocket connection, or null over HTTP: work for a client that has hung
 *     up stops
 * @param route where the calls go once grouped; null above the group split
 * @param abandoned completes when nobody waits for this exchange any more (another hedge answered)
 * @param trace the request's trace, which each attempt adds its span to
 */
public record Exchange(
    List<RpcCall> calls,
    Deadline deadline,
    String clientIp,
    ClientSink sink,
    Route route,
    CompletableFuture<Void> abandoned,
    Trace trace) {

  /**
   * The wire form of a minibatch and the upstreams that may answer it.
   *
   * @param payload the request object, or an array of them, carrying the gateway ids
   * @param ids the gateway ids in the payload, in order of {@link #calls}
   * @param batch whether the payload is an array
   * @param submitsTransaction whether it carries eth_sendRawTransaction, which is never sent twice
   *     to one upstream and goes elsewhere only when it cannot have arrived
   * @param order the upstreams to try, in order; the attempt goes to the first
   * @param stateBlock the oldest block whose state the calls read, when they name one by number;
   *     else -1: an upstream that keeps no state that old is passed over
   */
  public record Route(
      byte[] payload,
      long[] ids,
      boolean batch,
      boolean submitsTransaction,
      List<Upstream> order,
      long stateBlock) {

    /** A request that reads no state at a numbered block. */
    public Route(
        byte[] payload,
        long[] ids,
        boolean batch,
        boolean submitsTransaction,
        List<Upstream> order) {
      this(payload, ids, batch, submitsTransaction, order, -1);
    }

    /** The upstream of the route named {@code name} (an answer names its upstream), or null. */
    public Upstream upstream(String name) {
      for (Upstream u : order) {
        if (u.name().equals(name)) {
          return u;
        }
      }
      return null;
    }

    /** The same request for the given upstreams. */
    public Route to(List<Upstream> next) {
      return new Route(payload, ids, batch, submitsTransaction, next, stateBlock);
    }
  }

  /** A new exchange of the calls of one body. */
  public static Exchange of(
      List<RpcCall> calls, Deadline deadline, String clientIp, ClientSink sink) {
    return new Exchange(
        List.copyOf(calls), deadline, clientIp, sink, null, new CompletableFuture<>(), Trace.NONE);
  }

  /** The same exchange, its work recorded in {@code next} (the request's trace). */
  public Exchange traced(Trace next) {
    return new Exchange(calls, deadline, clientIp, sink, route, abandoned, next);
  }

  /** Other calls of the same body: same deadline, caller and abandonment. */
  public Exchange withCalls(List<RpcCall> next) {
    return new Exchange(List.copyOf(next), deadline, clientIp, sink, null, abandoned, trace);
  }

  /** The same calls on a route. */
  public Exchange routed(Route next) {
    return new Exchange(calls, deadline, clientIp, sink, next, abandoned, trace);
  }

  /** The same exchange with abandonment of its own, for one racer of a hedge. */
  public Exchange racing(List<Upstream> order, CompletableFuture<Void> racerAbandoned) {
    return new Exchange(calls, deadline, clientIp, sink, route.to(order), racerAbandoned, trace);
  }

  /** Whether nobody waits for the answer any more: abandoned, or the WebSocket client is gone. */
  public boolean unwanted() {
    return abandoned.isDone() || (sink != null && !sink.isOpen());
  }

  /** The upstream the next attempt goes to. */
  public Upstream target() {
    return route.order().get(0);
  }
}
