package dev.rpcshield.upstream.chain;

import dev.rpcshield.jsonrpc.Quantity;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.jsonrpc.UpstreamReply;
import dev.rpcshield.upstream.BlockRequirement;
import dev.rpcshield.upstream.UpstreamGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Groups the calls by the upstream group that serves their method and splits each group into
 * minibatches of at most the group's batch size (transaction submissions alone, so a retried batch
 * never sends one twice, and calls under consensus alone, so each is compared on its own), each
 * carrying gateway ids mapped back to the client's, all sent at once. {@code eth_blockNumber}
 * answers are raised to the best known head and never go below a number this instance answered
 * before.
 */
public final class GroupSplitLink implements UpstreamCall {
  private final UpstreamCall next;
  private final Routing routing;
  private final AtomicLong nextId;

  public GroupSplitLink(UpstreamCall next, Routing routing, AtomicLong ids) {
    this.next = next;
    this.routing = routing;
    this.nextId = ids;
  }

  /** Calls sent together to one group, with their positions in the exchange. */
  private record Minibatch(UpstreamGroup group, List<Integer> positions, boolean submits) {}

  @Override
  public CompletionStage<Outcome> call(Exchange exchange) {
    List<RpcCall> calls = exchange.calls();
    CallResult[] results = new CallResult[calls.size()];
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (Minibatch mb : split(calls)) {
      sent.add(send(exchange, mb, results).toCompletableFuture());
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
        .thenApply(done -> Outcome.answered(Arrays.asList(results), null));
  }

  private List<Minibatch> split(List<RpcCall> calls) {
    Map<UpstreamGroup, List<Integer>> byGroup = new LinkedHashMap<>();
    List<Minibatch> out = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      RpcCall call = calls.get(i);
      UpstreamGroup group = routing.groupFor(call.method());
      if (call.submitsTransaction() || routing.alone(call.method())) {
        out.add(new Minibatch(group, List.of(i), call.submitsTransaction()));
      } else {
        byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(i);
      }
    }
    byGroup.forEach((group, positions) -> {
      int size = group.maxBatchSize();
      for (int from = 0; from < positions.size(); from += size) {
        List<Integer> part = positions.subList(from, Math.min(positions.size(), from + size));
        out.add(new Minibatch(group, part, false));
      }
    });
    return out;
  }

  /** Sends one minibatch and writes each call's result at its position (each written once). */
  private CompletionStage<Void> send(Exchange exchange, Minibatch mb, CallResult[] results) {
    int n = mb.positions().size();
    long[] ids = new long[n];
    List<RpcCall> calls = new ArrayList<>(n);
    List<byte[]> parts = new ArrayList<>(n);
    BlockRequirement need = BlockRequirement.NONE;
    for (int i = 0; i < n; i++) {
      RpcCall call = exchange.calls().get(mb.positions().get(i));
      calls.add(call);
      ids[i] = nextId.getAndIncrement();
      parts.add(call.withId(ids[i]));
      need = need.and(BlockRequirement.of(call.method(), call::rawParams));
    }
    byte[] payload = n == 1 ? parts.get(0) : RpcWriter.batch(parts);
    Exchange.Route route =
        new Exchange.Route(
            payload, ids, n > 1, mb.submits(), routing.order(mb.group(), need), need.stateBlock());
    return next.call(exchange.withCalls(calls).routed(route))
        .handle((o, t) -> {
          for (int i = 0; i < n; i++) {
            RpcCall call = calls.get(i);
            results[mb.positions().get(i)] =
                t != null
                    ? CallResult.Failure.of(
                        call, RpcError.of(RpcErrorCode.NO_UPSTREAM, "request failed"))
                    : raised(call, o.results().get(i));
          }
          return null;
        });
  }

  /** An eth_blockNumber answer raised to the best head; any other result as it is. */
  private CallResult raised(RpcCall call, CallResult result) {
    if (!call.method().equals("eth_blockNumber")
        || call.isNotification()
        || !(result instanceof CallResult.Answer a)
        || a.chainError()) {
      return result;
    }
    long n = answeredNumber(a.body());
    if (n < 0) {
      return result;
    }
    long served = routing.blockNumberToServe(n);
    return served > n
        ? new CallResult.Answer(
            RpcWriter.result(call.rawId(), "\"0x" + Long.toHexString(served) + "\""),
            false,
            a.upstream())
        : result;
  }

  private static long answeredNumber(byte[] body) {
    try {
      UpstreamReply reply = UpstreamReply.read(body);
      String result = reply.resultJson(reply.answers().get(0));
      return result != null && result.length() > 2
          ? Quantity.parse(result.substring(1, result.length() - 1))
          : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
