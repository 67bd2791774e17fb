package dev.rpcshield.upstream.chain;

import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * An upstream transport that answers from a script per upstream, at once or when the test completes
 * the answer, and records whom it was asked. A step is a body (a String), a failure {@link Kind}
 * (failed with its name in lower case as the reason), or a future the test completes itself; an
 * upstream with no step left refuses the connection.
 */
final class ScriptedTransport implements UpstreamTransport {
  private final Map<String, Deque<Object>> script = new HashMap<>();
  private final Map<String, Supplier<Object>> always = new HashMap<>();
  private final Map<String, List<CompletableFuture<byte[]>>> sent = new HashMap<>();

  /** The upstreams asked, in order. */
  final List<String> calls = new ArrayList<>();

  /** What each attempt sent, in order. */
  final List<byte[]> payloads = new ArrayList<>();

  /**
   * How each attempt was handed over, in order: {@code "call <id>"} for one call with its gateway
   * id, {@code "payload"} or {@code "submission"} for anything else.
   */
  final List<String> ways = new ArrayList<>();

  /** The {@code traceparent} each attempt was sent with (null for none), in order. */
  final List<String> traceparents = new ArrayList<>();

  void answers(String upstream, Object... steps) {
    script.computeIfAbsent(upstream, k -> new ArrayDeque<>()).addAll(List.of(steps));
  }

  /** What the upstream does once its scripted steps are used up. */
  void always(String upstream, Supplier<Object> step) {
    always.put(upstream, step);
  }

  /** The futures handed out for the upstream's attempts, in order. */
  List<CompletableFuture<byte[]>> sentTo(String upstream) {
    return sent.getOrDefault(upstream, List.of());
  }

  @Override
  public synchronized CompletableFuture<byte[]> send(
      Upstream upstream,
      byte[] payload,
      Duration timeout,
      String clientIp,
      String traceparent,
      boolean submission) {
    ways.add(submission ? "submission" : "payload");
    traceparents.add(traceparent);
    return answer(upstream, payload);
  }

  @Override
  public synchronized CompletableFuture<byte[]> sendCall(
      Upstream upstream,
      byte[] payload,
      long id,
      Duration timeout,
      String clientIp,
      String traceparent) {
    ways.add("call " + id);
    traceparents.add(traceparent);
    return answer(upstream, payload);
  }

  private CompletableFuture<byte[]> answer(Upstream upstream, byte[] payload) {
    String name = upstream.name();
    calls.add(name);
    payloads.add(payload);
    Object next = script.getOrDefault(name, new ArrayDeque<>()).poll();
    if (next == null && always.containsKey(name)) {
      next = always.get(name).get();
    }
    CompletableFuture<byte[]> answer =
        switch (next) {
          case null ->
              CompletableFuture.failedFuture(
                  new UpstreamException(Kind.CONNECT, "connection refused"));
          case Kind k ->
              CompletableFuture.failedFuture(
                  new UpstreamException(k, k.name().toLowerCase(Locale.ROOT)));
          case String body ->
              CompletableFuture.completedFuture(body.getBytes(StandardCharsets.UTF_8));
          case CompletableFuture<?> later -> cast(later);
          default -> throw new IllegalArgumentException("no such step: " + next);
        };
    sent.computeIfAbsent(name, k -> new ArrayList<>()).add(answer);
    return answer;
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<byte[]> cast(CompletableFuture<?> later) {
    return (CompletableFuture<byte[]>) later;
  }

  static String ok(long id) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\"0x1\"}";
  }

  static String err(long id, int code, String message) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"error\":{\"code\":"
        + code
        + ",\"message\":\""
        + message
        + "\"}}";
  }
}
