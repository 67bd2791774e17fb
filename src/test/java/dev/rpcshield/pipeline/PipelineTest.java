package dev.rpcshield.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.config.Generation;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.ParseLimits;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcBodyException;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcParser;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.limit.Decision;
import dev.rpcshield.testing.ManualTimer;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.testing.TestGenerations;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.TestUpstreams;
import dev.rpcshield.upstream.chain.CallResult;
import dev.rpcshield.upstream.chain.Exchange;
import dev.rpcshield.upstream.chain.Outcome;
import dev.rpcshield.upstream.chain.UpstreamCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator with a fake of every stage: each member goes through the stages in order, a
 * member settled by one stage is never seen by a later one, and the reply keeps the client's order.
 * Methods name what the fakes do with them: {@code deny_*} is refused by call policy, {@code bad_*}
 * by pricing, {@code off_*} by the key's allowlists, {@code over_*} by charging, {@code local_*}
 * answered locally; the rest go to the network's outbound chain, a fake that answers {@code
 * cached_*} from the cache, {@code split_*} as joined chunks, {@code later_*} only when the test
 * says, fails outright on {@code boom_*} and has an upstream answer the rest. What the cache and
 * eth_getLogs links do inside the chain is CacheLinkTest's and LogsSplitLinkTest's.
 */
class PipelineTest {
  private static final Caller CALLER = new Caller("198.51.100.7", null, null);
  private static final Decision OK = new Decision(true, "rps", 10, 9, 0, 100);
  private static final Decision OVER = new Decision(false, "rps", 10, 0, 1500, 101);

  /** Which stages saw which method, in order. */
  private final Map<String, List<String>> seen = new TreeMap<>();

  /** The generation the request is served under, and the one each stage read, in order. */
  private Generation generation = TestGenerations.defaults();

  private final List<Generation> readUnder = new ArrayList<>();

  private final Pipeline pipeline = new Pipeline();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final Network network =
      TestUpstreams.network(
          Map.of("rpcshield.upstreams", "a=http://127.0.0.1:1", "rpcshield.request.timeout", "7s"),
          clock,
          new ManualTimer(clock));

  /** The exchanges the outbound chain was asked for. */
  private final List<Exchange> exchanges = new ArrayList<>();

  /** The answer {@code later_*} calls wait for. */
  private final CompletableFuture<Outcome> later = new CompletableFuture<>();

  private boolean caching = true;

  PipelineTest() {
    pipeline.wire(
        new Parsing() {
          @Override
          public Result parse(Request request) {
            seen("parse", "body");
            readUnder.add(request.generation());
            try {
              return new Result(
                  new RpcParser(ParseLimits.DEFAULTS).parse(request.body(), request.length()),
                  null);
            } catch (RpcBodyException e) {
              return new Result(null, e.error());
            }
          }
        },
        new CallPolicy() {
          @Override
          public Verdict check(RequestContext ctx, RpcCall call) {
            seen("policy", call.method());
            return call.method().startsWith("deny_")
                ? Verdict.refused(
                    RpcError.of(RpcErrorCode.METHOD_NOT_ALLOWED, call.method()), "method")
                : Verdict.PROCEED;
          }

          @Override
          public String metricName(Request request, String method) {
            return method;
          }
        },
        new Allowlisting() {
          @Override
          public Verdict check(RequestContext ctx, RpcCall call) {
            seen("allowlist", call.method());
            return call.method().startsWith("off_")
                ? Verdict.refused(Allowlisting.refusal("methods"), "allowlist")
                : Verdict.PROCEED;
          }
        },
        new Pricing() {
          @Override
          public Verdict price(RequestContext ctx, MemberOutcome member) {
            seen("pricing", member.call().method());
            readUnder.add(ctx.request().generation());
            if (member.call().method().startsWith("bad_")) {
              return Verdict.invalid(
                  RpcError.of(RpcErrorCode.INVALID_PARAMS, "not decodable"), "invalid-transaction");
            }
            member.priced(new Price(List.of(), 10, null));
            return Verdict.PROCEED;
          }
        },
        new Charging() {
          @Override
          public List<Verdict> charge(RequestContext ctx, List<MemberOutcome> members) {
            List<Verdict> out = new ArrayList<>();
            for (MemberOutcome m : members) {
              seen("charging", m.call().method());
              boolean over = m.call().method().startsWith("over_");
              m.decided(over ? OVER : OK);
              out.add(
                  over
                      ? Verdict.refused(RpcError.of(RpcErrorCode.RATE_LIMITED, "rps"), "rate")
                      : Verdict.PROCEED);
            }
            return out;
          }
        },
        new LocalAnswers() {
          @Override
          public Verdict answer(RequestContext ctx, RpcCall call) {
            seen("local", call.method());
            return call.method().startsWith("local_")
                ? new Verdict.Answered(RpcWriter.result(call.rawId(), "\"here\""))
                : Verdict.PROCEED;
          }
        },
        new Caching() {
          @Override
          public boolean enabled() {
            return caching;
          }

          @Override
          public void discount(Request r, MemberOutcome m) {
            assertEquals(network, r.network());
            readUnder.add(r.generation());
            seen("discount", m.call().method());
          }
        },
        new Outbound() {
          @Override
          UpstreamCall chain(Request r) {
            assertEquals(network, r.network());
            readUnder.add(r.generation());
            return PipelineTest.this::outbound;
          }
        },
        new Replies(),
        new CallRecorder() {
          @Override
          public void record(RequestContext ctx, List<MemberOutcome> members, Duration took) {
            readUnder.add(ctx.request().generation());
            for (MemberOutcome m : members) {
              seen(
                  "recorded",
                  (m.call() == null ? "invalid" : m.call().method()) + "=" + m.outcome());
            }
          }

          @Override
          public void refused(RequestContext ctx, RpcError error, Refusal limit, Duration took) {
            seen("recorded", "body=invalid");
          }
        });
  }

  /** The network's outbound chain, as the fake outbound builds it. */
  private CompletableFuture<Outcome> outbound(Exchange exchange) {
    assertEquals(CALLER.clientIp(), exchange.clientIp());
    exchanges.add(exchange);
    List<CallResult> out = new ArrayList<>();
    for (RpcCall c : exchange.calls()) {
      seen("outbound", c.method());
      String m = c.method();
      if (m.startsWith("later_")) {
        return later;
      }
      if (m.startsWith("boom_")) {
        return CompletableFuture.failedFuture(new IllegalStateException("boom at 10.0.0.1"));
      }
      byte[] id = c.rawId();
      out.add(
          m.startsWith("cached_")
              ? new CallResult.Answer(RpcWriter.result(id, "\"cached\""), false, null, true)
              : m.startsWith("split_")
                  ? new CallResult.Answer(RpcWriter.result(id, "\"joined\""), false, null)
                  : new CallResult.Answer(
                      c.isNotification() ? null : RpcWriter.result(id, "\"upstream\""),
                      false,
                      "a"));
    }
    return CompletableFuture.completedFuture(Outcome.answered(out, null));
  }

  private void seen(String stage, String what) {
    seen.computeIfAbsent(stage, s -> new ArrayList<>()).add(what);
  }

  private CompletableFuture<GatewayReply> start(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return pipeline
        .serve(new Request(bytes, bytes.length, CALLER, null, network, generation, null))
        .toCompletableFuture();
  }

  private GatewayReply serve(String body) {
    CompletableFuture<GatewayReply> reply = start(body);
    assertTrue(reply.isDone(), "the fake chain answers at once");
    return reply.join();
  }

  private static String call(int id, String method) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":[]}";
  }

  private static String text(GatewayReply reply) {
    return new String(reply.body(), StandardCharsets.UTF_8);
  }

  @Test
  void eachMemberStopsAtTheStageThatSettlesItAndTheBatchKeepsTheClientsOrder() {
    GatewayReply reply =
        serve(
            "["
                + String.join(
                    ",",
                    call(1, "deny_a"),
                    call(2, "bad_b"),
                    "{\"jsonrpc\":\"2.0\",\"id\":3}",
                    call(7, "off_g"),
                    call(4, "over_c"),
                    call(5, "local_d"),
                    call(6, "eth_e"),
                    "{\"jsonrpc\":\"2.0\",\"method\":\"eth_f\",\"params\":[]}")
                + "]");

    assertEquals(
        List.of("deny_a", "bad_b", "off_g", "over_c", "local_d", "eth_e", "eth_f"),
        seen.get("policy"));
    assertEquals(
        List.of("bad_b", "off_g", "over_c", "local_d", "eth_e", "eth_f"), seen.get("allowlist"));
    assertEquals(List.of("bad_b", "over_c", "local_d", "eth_e", "eth_f"), seen.get("pricing"));
    assertEquals(List.of("over_c", "local_d", "eth_e", "eth_f"), seen.get("charging"));
    assertEquals(List.of("local_d", "eth_e", "eth_f"), seen.get("local"));
    assertEquals(List.of("eth_e", "eth_f"), seen.get("outbound"));
    assertEquals(1, exchanges.size(), "one outbound call for the members left");
    assertEquals(
        List.of(
            "deny_a=refused",
            "bad_b=invalid",
            "invalid=invalid",
            "off_g=refused",
            "over_c=refused",
            "local_d=ok",
            "eth_e=ok",
            "eth_f=ok"),
        seen.get("recorded"));
    assertTrue(
        readUnder.size() > 5 && readUnder.stream().allMatch(g -> g == generation),
        "the body is served under one configuration, its own, from parsing to recording");

    assertEquals(200, reply.status());
    String body = text(reply);
    assertEquals(
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601",
        body.substring(0, body.indexOf("-32601") + 6));
    int[] order = {
      body.indexOf("\"id\":1,"),
      body.indexOf("\"id\":2,"),
      body.indexOf("\"id\":3,"),
      body.indexOf("\"id\":4,"),
      body.indexOf("\"id\":5,"),
      body.indexOf("\"id\":6,")
    };
    for (int i = 1; i < order.length; i++) {
      assertEquals(true, order[i - 1] >= 0 && order[i - 1] < order[i], body);
    }
    assertEquals(true, body.contains("\"id\":5,\"result\":\"here\""), body);
    assertEquals(true, body.contains("\"id\":6,\"result\":\"upstream\""), body);
    assertEquals(true, body.contains("\"id\":7,\"error\":{\"code\":-32033"), body);
    assertEquals(7, body.split("\"jsonrpc\"").length - 1, "no entry for the notification");
    assertEquals(OVER, reply.decision(), "the refused member's decision is the one shown");
  }

  @Test
  void aCacheHitIsDiscountedAndChargedAndTheChainsAnswersComeBackWithTheirXCache() {
    GatewayReply reply =
        serve(
            "["
                + String.join(",", call(1, "cached_a"), call(2, "split_b"), call(3, "eth_c"))
                + "]");

    assertEquals(List.of("cached_a", "split_b", "eth_c"), seen.get("discount"));
    assertEquals(List.of("cached_a", "split_b", "eth_c"), seen.get("charging"));
    assertEquals(List.of("cached_a", "split_b", "eth_c"), seen.get("outbound"));
    assertEquals(1, exchanges.size(), "cache and eth_getLogs are links of the one outbound call");
    String body = text(reply);
    assertEquals(true, body.contains("\"id\":1,\"result\":\"cached\""), body);
    assertEquals(true, body.contains("\"id\":2,\"result\":\"joined\""), body);
    assertEquals(true, body.contains("\"id\":3,\"result\":\"upstream\""), body);
    assertNull(reply.cache(), "a batch carries no X-Cache");

    assertEquals("HIT", serve(call(4, "cached_d")).cache());
    assertEquals("MISS", serve(call(5, "eth_e")).cache());
  }

  @Test
  void aSingleRefusedRequestGetsItsErrorsStatus() {
    GatewayReply reply = serve(call(7, "over_x"));

    assertEquals(429, reply.status());
    assertEquals(OVER, reply.decision());
    assertTrue(
        text(reply)
            .matches(
                "\\{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":\\{\"code\":-32005,"
                    + "\"message\":\"rate limit exceeded: rps\","
                    + "\"data\":\\{\"requestId\":\"[0-9a-f]{8}-[0-9a-z]+\"}}}"),
        text(reply));
    assertNull(seen.get("local"));
    assertNull(seen.get("outbound"));
  }

  @Test
  void aSingleRequestRefusedForTheCallItselfGets200AsANodesCallErrorUnlessConfigured4xx() {
    Map<String, Integer> byDefault = new TreeMap<>();
    Map<String, Integer> configured4xx = new TreeMap<>();
    for (String method : List.of("deny_a", "off_b", "bad_c", "over_d")) {
      byDefault.put(method, serve(call(1, method)).status());
    }
    generation = TestGenerations.of(Map.of("rpcshield.http.call-errors-status", "4xx"));
    for (String method : List.of("deny_a", "off_b", "bad_c", "over_d")) {
      configured4xx.put(method, serve(call(1, method)).status());
    }

    assertEquals(
        Map.of("deny_a", 200, "off_b", 200, "bad_c", 200, "over_d", 429),
        byDefault,
        "method, allowlist and invalid-params refusals are call errors; the caller's own limit"
            + " stays 429");
    assertEquals(Map.of("deny_a", 403, "off_b", 403, "bad_c", 400, "over_d", 429), configured4xx);
    assertTrue(text(serve(call(9, "deny_e"))).contains("\"code\":-32601"));
  }

  @Test
  void aBodyRefusedAsAWholeReachesNoLaterStage() {
    GatewayReply reply = serve("{not json");

    assertEquals(400, reply.status());
    assertEquals(true, text(reply).contains("\"id\":null"), text(reply));
    assertEquals(true, text(reply).contains("-32700"), text(reply));
    assertNull(reply.decision());
    assertEquals(Map.of("parse", List.of("body"), "recorded", List.of("body=invalid")), seen);
  }

  @Test
  void aNotificationAloneGetsAnEmptyBody() {
    GatewayReply reply = serve("{\"jsonrpc\":\"2.0\",\"method\":\"eth_g\",\"params\":[]}");

    assertEquals(200, reply.status());
    assertArrayEquals(new byte[0], reply.body());
    assertEquals(List.of("eth_g"), seen.get("outbound"));
    assertEquals(OK, reply.decision());
  }

  @Test
  void withoutCachingNoMemberHasAnXCache() {
    caching = false;
    assertNull(serve(call(4, "cached_d")).cache());
    assertNull(serve(call(5, "eth_e")).cache());
  }

  @Test
  void theOutboundCallHasTheNetworksRequestTimeoutAndTheCallersAddress() {
    serve(call(1, "eth_a"));

    Exchange exchange = exchanges.get(0);
    assertEquals(Duration.ofSeconds(7), exchange.deadline().remaining());
    assertEquals(CALLER.clientIp(), exchange.clientIp());
    assertNull(exchange.sink(), "over HTTP");
  }

  @Test
  void theReplyWaitsForTheOutboundCallWithoutBlockingAndIsRecordedThen() {
    CompletableFuture<GatewayReply> reply =
        start("[" + String.join(",", call(1, "local_a"), call(2, "later_b")) + "]");

    assertFalse(reply.isDone(), "serve returned before the chain answered");
    assertNull(seen.get("recorded"), "recorded once answered");
    int beforeTheWait = readUnder.size();
    assertTrue(
        beforeTheWait > 0 && readUnder.stream().allMatch(g -> g == generation),
        "the stages read the request's configuration, before the wait");
    later.complete(
        Outcome.answered(
            List.of(
                new CallResult.Answer(RpcWriter.result("2".getBytes(), "\"late\""), false, "a")),
            null));

    assertTrue(reply.isDone());
    assertEquals(List.of("local_a=ok", "later_b=ok"), seen.get("recorded"));
    assertEquals(
        List.of(generation),
        readUnder.subList(beforeTheWait, readUnder.size()),
        "the recording after the wait reads the same one");
    assertEquals(true, text(reply.join()).contains("\"id\":2,\"result\":\"late\""));
  }

  @Test
  void aChainThatFailsOutrightAnswersItsMembersWithAnInternalErrorAndNothingOfTheCause() {
    GatewayReply reply = serve("[" + String.join(",", call(1, "local_a"), call(2, "boom_b")) + "]");

    String body = text(reply);
    assertEquals(true, body.contains("\"id\":1,\"result\":\"here\""), body);
    assertEquals(true, body.contains("\"id\":2,\"error\":{\"code\":-32603"), body);
    assertTrue(body.matches(".*\"data\":\\{\"requestId\":\"[0-9a-f]{8}-[0-9a-z]+\"}.*"), body);
    assertFalse(body.contains("boom") || body.contains("10.0.0.1") || body.contains("Exception"));
    assertEquals(List.of("local_a=ok", "boom_b=failed"), seen.get("recorded"));
  }
}
