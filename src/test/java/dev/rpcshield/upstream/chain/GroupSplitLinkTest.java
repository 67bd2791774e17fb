package dev.rpcshield.upstream.chain;

import static dev.rpcshield.upstream.chain.ClientCalls.call;
import static dev.rpcshield.upstream.chain.ClientCalls.notification;
import static dev.rpcshield.upstream.chain.ClientCalls.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.BlockRequirement;
import dev.rpcshield.upstream.Deadline;
import dev.rpcshield.upstream.ErrorClassifier;
import dev.rpcshield.upstream.Strategy;
import dev.rpcshield.upstream.TestUpstreams;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamGroup;
import dev.rpcshield.upstream.UpstreamTransport;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import dev.rpcshield.upstream.UpstreamsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The group split over a real attempt link whose upstreams echo each call's method as its result
 * (eth_blockNumber: {@link #blockNumber}), a batch in reverse order: "a" (batches of 2) serves
 * every method but trace_*, which "t" (batches of 3) serves. Each minibatch that reaches the link
 * below is recorded.
 */
class GroupSplitLinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final Upstream a = TestUpstreams.upstream("a", clock, Duration.ofSeconds(5), 0, 0, 2);
  private final Upstream t = TestUpstreams.upstream("t", clock, Duration.ofSeconds(5), 0, 0, 3);
  private final UpstreamGroup main = new UpstreamGroup("default", Strategy.FAILOVER, List.of(a));
  private final UpstreamGroup traces = new UpstreamGroup("traces", Strategy.FAILOVER, List.of(t));

  /** The eth_blockNumber result the upstreams answer. */
  private String blockNumber = "\"0x10\"";

  /** Upstreams whose connection is refused. */
  private final Set<String> down = new HashSet<>();

  /** The numbers the routing was asked to raise. */
  private final List<Long> raised = new ArrayList<>();

  private final UpstreamTransport echo =
      (upstream, payload, timeout, clientIp, traceparent, submission) -> {
        if (down.contains(upstream.name())) {
          return CompletableFuture.failedFuture(
              new UpstreamException(Kind.CONNECT, "connection refused"));
        }
        return CompletableFuture.completedFuture(echoed(payload));
      };

  private final UpstreamCall attempt =
      new AttemptLink(
          echo,
          new ErrorClassifier(Set.of(), List.of()),
          new UpstreamsConfig.Integrity(true, true, true),
          clock,
          (upstream, method, outcome, millis) -> {});

  /** The minibatches sent below, in the order sent. */
  private final List<Exchange> sent = new ArrayList<>();

  /** What the link below does with a minibatch. */
  private Function<Exchange, CompletionStage<Outcome>> below = attempt::call;

  private final GroupSplitLink split =
      new GroupSplitLink(
          exchange -> {
            sent.add(exchange);
            return below.apply(exchange);
          },
          new Routing() {
            @Override
            public UpstreamGroup groupFor(String method) {
              return method.startsWith("trace_") ? traces : main;
            }

            @Override
            public List<Upstream> order(UpstreamGroup group, BlockRequirement need) {
              return group.order();
            }

            @Override
            public boolean alone(String method) {
              return method.equals("eth_compared");
            }

            @Override
            public long blockNumberToServe(long answered) {
              raised.add(answered);
              return Math.max(answered, 0x100);
            }
          },
          new AtomicLong(1));

  private byte[] echoed(byte[] payload) {
    try {
      JsonNode sentJson = JSON.readTree(payload);
      List<String> answers = new ArrayList<>();
      for (JsonNode c : sentJson.isArray() ? sentJson : List.of(sentJson)) {
        String method = c.get("method").asText();
        String result = method.equals("eth_blockNumber") ? blockNumber : "\"" + method + "\"";
        answers.add("{\"jsonrpc\":\"2.0\",\"id\":" + c.get("id") + ",\"result\":" + result + "}");
      }
      Collections.reverse(answers);
      String body = sentJson.isArray() ? "[" + String.join(",", answers) + "]" : answers.get(0);
      return body.getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private Outcome serve(List<RpcCall> calls) {
    CompletableFuture<Outcome> f =
        split
            .call(Exchange.of(calls, Deadline.after(clock, Duration.ofSeconds(5)), null, null))
            .toCompletableFuture();
    assertTrue(f.isDone());
    return f.join();
  }

  private static List<RpcCall> calls(String... methods) {
    List<RpcCall> out = new ArrayList<>();
    for (int i = 0; i < methods.length; i++) {
      out.add(call(100 + i, methods[i], "[]"));
    }
    return out;
  }

  private List<List<String>> sentMethods() {
    return sent.stream().map(e -> e.calls().stream().map(RpcCall::method).toList()).toList();
  }

  private static long[] payloadIds(Exchange e) throws IOException {
    JsonNode payload = JSON.readTree(e.route().payload());
    List<JsonNode> members = new ArrayList<>();
    (payload.isArray() ? payload : List.of(payload)).forEach(members::add);
    return members.stream().mapToLong(m -> m.get("id").asLong()).toArray();
  }

  @Test
  void callsGoByGroupInMinibatchesOfTheGroupsBatchSizeAllSentAtOnce() {
    List<CompletableFuture<Outcome>> waiting = new ArrayList<>();
    below =
        exchange -> {
          CompletableFuture<Outcome> later = new CompletableFuture<>();
          waiting.add(later);
          return later;
        };
    List<RpcCall> calls =
        calls(
            "eth_a", "trace_a", "eth_b", "eth_c", "trace_b", "eth_d", "eth_e", "trace_c",
            "trace_d");
    CompletableFuture<Outcome> f =
        split
            .call(Exchange.of(calls, Deadline.after(clock, Duration.ofSeconds(5)), null, null))
            .toCompletableFuture();

    assertEquals(
        List.of(
            List.of("eth_a", "eth_b"),
            List.of("eth_c", "eth_d"),
            List.of("eth_e"),
            List.of("trace_a", "trace_b", "trace_c"),
            List.of("trace_d")),
        sentMethods(),
        "every minibatch sent before any is answered");
    assertEquals(
        List.of("a", "a", "a", "t", "t"), sent.stream().map(e -> e.target().name()).toList());
    assertEquals(
        List.of(true, true, false, true, false),
        sent.stream().map(e -> e.route().batch()).toList());
    assertFalse(f.isDone());

    for (int i = sent.size() - 1; i >= 0; i--) {
      waiting.get(i).complete(attempt.call(sent.get(i)).toCompletableFuture().join());
      assertEquals(i == 0, f.isDone(), "answered once every minibatch is");
    }
    List<String> results = f.join().results().stream().map(ClientCalls::text).toList();
    for (int i = 0; i < calls.size(); i++) {
      assertEquals(
          "{\"jsonrpc\":\"2.0\",\"id\":"
              + (100 + i)
              + ",\"result\":\""
              + calls.get(i).method()
              + "\"}",
          results.get(i));
    }
  }

  @Test
  void gatewayIdsAreUniqueAndMappedBackToTheClientsIdsInOrder() throws IOException {
    List<RpcCall> calls = calls("eth_a", "trace_a", "eth_b", "eth_c", "trace_b");
    Outcome o = serve(calls);

    Set<Long> ids = new HashSet<>();
    for (Exchange e : sent) {
      assertArrayEquals(e.route().ids(), payloadIds(e), "the payload carries the route's ids");
      for (long id : e.route().ids()) {
        assertTrue(ids.add(id), "gateway id " + id + " used once");
      }
    }
    assertEquals(
        List.of(
            "{\"jsonrpc\":\"2.0\",\"id\":100,\"result\":\"eth_a\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":101,\"result\":\"trace_a\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":102,\"result\":\"eth_b\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":103,\"result\":\"eth_c\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":104,\"result\":\"trace_b\"}"),
        o.results().stream().map(ClientCalls::text).toList());
    assertEquals(
        List.of("a", "t", "a", "a", "t"),
        o.results().stream().map(r -> ((CallResult.Answer) r).upstream()).toList());
  }

  @Test
  void transactionSubmissionsTravelAlone() {
    Outcome o =
        serve(calls("eth_a", "eth_sendRawTransaction", "eth_b", "eth_sendRawTransactionSync"));

    assertEquals(
        List.of(
            List.of("eth_sendRawTransaction"),
            List.of("eth_sendRawTransactionSync"),
            List.of("eth_a", "eth_b")),
        sentMethods());
    assertEquals(
        List.of(true, true, false),
        sent.stream().map(e -> e.route().submitsTransaction()).toList());
    assertEquals(List.of(false, false, true), sent.stream().map(e -> e.route().batch()).toList());
    assertEquals('{', sent.get(0).route().payload()[0], "a submission is one request object");
    assertEquals(4, o.results().size());
    assertTrue(
        text(o.results().get(1)).contains("\"id\":101,\"result\":\"eth_sendRawTransaction\""));
  }

  @Test
  void callsComparedAcrossUpstreamsTravelAloneAndAreNoSubmissions() {
    Outcome o = serve(calls("eth_a", "eth_compared", "eth_b", "eth_compared"));

    assertEquals(
        List.of(List.of("eth_compared"), List.of("eth_compared"), List.of("eth_a", "eth_b")),
        sentMethods());
    assertEquals(
        List.of(false, false, false),
        sent.stream().map(e -> e.route().submitsTransaction()).toList());
    assertEquals(List.of(false, false, true), sent.stream().map(e -> e.route().batch()).toList());
    assertEquals(4, o.results().size());
    assertTrue(text(o.results().get(3)).contains("\"result\":\"eth_compared\""));
  }

  @Test
  void ethBlockNumberIsRaisedToTheNumberToServeAndNeverLowered() {
    List<RpcCall> asked =
        List.of(
            call(1, "eth_blockNumber", "[]"),
            notification("eth_blockNumber", "[]"),
            call(3, "eth_chainId", "[]"));
    Outcome o = serve(asked);

    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x100\"}", text(o.results().get(0)));
    assertNull(text(o.results().get(1)), "a notification gets nothing");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"eth_chainId\"}", text(o.results().get(2)));
    assertEquals(List.of(0x10L), raised, "the upstream's number, once");
    assertEquals("a", ((CallResult.Answer) o.results().get(0)).upstream());

    blockNumber = "\"0x200\"";
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x200\"}",
        text(serve(List.of(call(1, "eth_blockNumber", "[]"))).results().get(0)),
        "a number above the one to serve is answered as it is");
  }

  @Test
  void aFailedMinibatchFailsOnlyItsCalls() {
    down.add("t");
    Outcome o = serve(calls("eth_a", "trace_a", "eth_b"));

    assertInstanceOf(CallResult.Answer.class, o.results().get(0));
    CallResult.Failure failed = assertInstanceOf(CallResult.Failure.class, o.results().get(1));
    assertEquals(RpcErrorCode.NO_UPSTREAM, failed.error().code());
    assertTrue(text(failed).contains("\"id\":101"), text(failed));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":102,\"result\":\"eth_b\"}", text(o.results().get(2)));
  }

  @Test
  void aMinibatchWhoseCallFailedOutrightFailsOnlyItsCalls() {
    below =
        exchange ->
            exchange.target() == t
                ? CompletableFuture.failedFuture(new IllegalStateException("bug below"))
                : attempt.call(exchange);
    Outcome o = serve(calls("trace_a", "eth_a", "trace_b"));

    for (int i : new int[] {0, 2}) {
      CallResult.Failure f = assertInstanceOf(CallResult.Failure.class, o.results().get(i));
      assertEquals(RpcErrorCode.NO_UPSTREAM, f.error().code());
      assertFalse(text(f).contains("bug below"), "nothing of the cause reaches the client");
    }
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":101,\"result\":\"eth_a\"}", text(o.results().get(1)));
  }
}
