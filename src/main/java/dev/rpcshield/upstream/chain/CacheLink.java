package dev.rpcshield.upstream.chain;

import dev.rpcshield.cache.ResponseCache;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.jsonrpc.UpstreamReply;
import dev.rpcshield.telemetry.Trace;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * The response cache as a reader in front of the upstreams: each cacheable call is looked up, a hit
 * is answered here, and the misses go on together; their upstreams' answers are offered to the
 * cache, except errors, nulls and answers from an upstream held back as lagging. An answer the
 * gateway made itself (a range joined from chunks) is not: each chunk is kept on its own, unless a
 * lagging upstream answered it, which the whole range would hide.
 */
public final class CacheLink implements UpstreamCall {
  private final UpstreamCall next;
  private final ResponseCache cache;
  private final Set<String> skipMethods;
  private final Predicate<String> lagging;

  /**
   * @param skipMethods {@code rpcshield.cache.skip-methods}: never looked up nor kept
   * @param lagging whether the named upstream is held back as lagging
   */
  public CacheLink(
      UpstreamCall next, ResponseCache cache, Set<String> skipMethods, Predicate<String> lagging) {
    this.next = next;
    this.cache = cache;
    this.skipMethods = skipMethods;
    this.lagging = lagging;
  }

  @Override
  public CompletionStage<Outcome> call(Exchange exchange) {
    List<RpcCall> calls = exchange.calls();
    CallResult[] results = new CallResult[calls.size()];
    ResponseCache.Lookup[] lookups = new ResponseCache.Lookup[calls.size()];
    List<Integer> missed = new ArrayList<>(calls.size());
    Trace lookup = exchange.trace().child("rpcshield.cache");
    try {
      for (int i = 0; i < calls.size(); i++) {
        RpcCall call = calls.get(i);
        ResponseCache.Lookup found =
            skipMethods.contains(call.method())
                ? null
                : cache.lookup(call.method(), call.rawParams());
        if (found != null && found.hit()) {
          byte[] body =
              call.isNotification() ? null : RpcWriter.result(call.rawId(), found.result());
          results[i] = new CallResult.Answer(body, false, null, true);
        } else {
          lookups[i] = found;
          missed.add(i);
        }
      }
    } finally {
      if (lookup.recording()) {
        lookup.attribute("rpcshield.cache.hits", calls.size() - missed.size());
      }
      lookup.end();
    }
    if (missed.isEmpty()) {
      return CompletableFuture.completedFuture(Outcome.answered(Arrays.asList(results), null));
    }
    List<RpcCall> sent = missed.size() == calls.size() ? calls : pick(calls, missed);
    return next.call(exchange.withCalls(sent))
        .thenApply(o -> {
          for (int j = 0; j < missed.size(); j++) {
            int i = missed.get(j);
            results[i] = o.results().get(j);
            remember(lookups[i], results[i]);
          }
          return Outcome.answered(Arrays.asList(results), null);
        });
  }

  private void remember(ResponseCache.Lookup found, CallResult result) {
    if (found == null
        || !(result instanceof CallResult.Answer a)
        || a.chainError()
        || a.cached()
        || a.body() == null
        || a.upstream() == null
        || lagging.test(a.upstream())) {
      return;
    }
    String value = resultOf(a.body());
    if (value != null) {
      cache.remember(found, value);
    }
  }

  private static List<RpcCall> pick(List<RpcCall> calls, List<Integer> positions) {
    List<RpcCall> out = new ArrayList<>(positions.size());
    for (int i : positions) {
      out.add(calls.get(i));
    }
    return out;
  }

  /** The result value of a response object, or null for an error or an unreadable one. */
  static String resultOf(byte[] response) {
    try {
      UpstreamReply reply = UpstreamReply.read(response);
      UpstreamReply.Answer answer = reply.answers().get(0);
      return reply.isArray() || answer.isError() ? null : reply.resultJson(answer);
    } catch (IOException e) {
      return null;
    }
  }
}
