package dev.rpcshield.upstream.chain;

import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.jsonrpc.UpstreamReply;
import dev.rpcshield.logs.LogsSplitter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The eth_getLogs guard: a filter over the gateway's caps is refused, one within the upstreams' cap
 * goes on with the other calls, and a range over it is answered from chunks, each a sub-exchange of
 * one call sent down {@code chunks} (the rest of the chain behind the response cache) like any
 * other. A WebSocket client that has hung up gets no more chunks fetched.
 */
public final class LogsSplitLink implements UpstreamCall {
  private final UpstreamCall next;
  private final UpstreamCall chunks;
  private final LogsSplitter splitter;

  public LogsSplitLink(UpstreamCall next, UpstreamCall chunks, LogsSplitter splitter) {
    this.next = next;
    this.chunks = chunks;
    this.splitter = splitter;
  }

  @Override
  public CompletionStage<Outcome> call(Exchange exchange) {
    List<RpcCall> calls = exchange.calls();
    boolean any = false;
    for (RpcCall c : calls) {
      any |= c.method().equals("eth_getLogs");
    }
    if (!any) {
      return next.call(exchange);
    }
    CallResult[] results = new CallResult[calls.size()];
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      RpcCall call = calls.get(i);
      if (!call.method().equals("eth_getLogs")) {
        continue;
      }
      int at = i;
      CompletableFuture<LogsSplitter.Outcome> decided =
          splitter.serve(call.rawParams(), filter -> chunk(exchange, filter)).toCompletableFuture();
      pending.add(
          decided.thenAccept(o -> {
            switch (o) {
              case LogsSplitter.Forward f -> {}
              case LogsSplitter.Refused r -> results[at] = refusedOrFailed(call, r.error());
              case LogsSplitter.Joined j ->
                  results[at] =
                      new CallResult.Answer(
                          call.isNotification()
                              ? null
                              : RpcWriter.result(call.rawId(), j.resultJson()),
                          false,
                          null);
            }
          }));
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
        .thenCompose(done -> rest(exchange, results));
  }

  /**
   * A call over the caps is refused (class {@code getlogs}); one whose chunk failed upstream
   * (-32018) has failed, as any call no upstream answered.
   */
  private static CallResult refusedOrFailed(RpcCall call, RpcError error) {
    return error.code() == RpcErrorCode.LOGS_INCOMPLETE
        ? CallResult.Failure.of(call, error)
        : new CallResult.Refused(Refusal.of(error, "getlogs"));
  }

  /** Sends the calls nobody answered yet (the others and the logs within every cap) together. */
  private CompletionStage<Outcome> rest(Exchange exchange, CallResult[] results) {
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < results.length; i++) {
      if (results[i] == null) {
        open.add(i);
      }
    }
    if (open.isEmpty()) {
      return CompletableFuture.completedFuture(Outcome.answered(Arrays.asList(results), null));
    }
    List<RpcCall> sent = new ArrayList<>(open.size());
    open.forEach(i -> sent.add(exchange.calls().get(i)));
    return next.call(exchange.withCalls(sent))
        .thenApply(o -> {
          for (int j = 0; j < open.size(); j++) {
            results[open.get(j)] = o.results().get(j);
          }
          return Outcome.answered(Arrays.asList(results), null);
        });
  }

  private CompletionStage<LogsSplitter.Chunk> chunk(Exchange exchange, String filter) {
    if (exchange.unwanted()) {
      return CompletableFuture.completedFuture(
          new LogsSplitter.Failed(false, "the client hung up"));
    }
    RpcCall call = RpcCall.of("eth_getLogs", "[" + filter + "]");
    return chunks
        .call(exchange.withCalls(List.of(call)))
        .thenApply(o -> chunkOf(o.results().get(0)));
  }

  private static LogsSplitter.Chunk chunkOf(CallResult result) {
    return switch (result) {
      case CallResult.Failure f -> new LogsSplitter.Failed(false, f.error().message());
      case CallResult.Refused r -> new LogsSplitter.Failed(false, r.error().message());
      case CallResult.Answer a -> {
        try {
          UpstreamReply reply = UpstreamReply.read(a.body());
          UpstreamReply.Answer answer = reply.answers().get(0);
          yield answer.isError()
              ? new LogsSplitter.Failed(true, answer.errorMessage())
              : new LogsSplitter.Logs(reply.resultJson(answer));
        } catch (IOException e) {
          yield new LogsSplitter.Failed(false, "unreadable answer");
        }
      }
    };
  }
}
