package dev.rpcshield.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.ParseLimits;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcParser;
import dev.rpcshield.telemetry.RequestMetrics;
import dev.rpcshield.upstream.chain.CallResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where a body's refusals are recorded: every refused member, whether a stage or the outbound call
 * refused it, goes to {@link Refusals} once, under the body's one request id; a body refused as a
 * whole only when it broke a limit.
 */
class CallRecorderTest {
  private final List<String> calls = new ArrayList<>();
  private final List<String> recorded = new ArrayList<>();
  private final List<String> requestIds = new ArrayList<>();
  private final CallRecorder recorder = new CallRecorder();
  private final List<String> errors = new ArrayList<>();

  CallRecorderTest() {
    recorder.metrics =
        new RequestMetrics() {
          @Override
          public void call(
              String method, String outcome, String identity, String network, Duration took) {
            calls.add(method + " " + outcome + " " + identity + " " + network);
          }

          @Override
          public void error(String code) {
            errors.add(code);
          }
        };
    recorder.policy =
        new CallPolicy() {
          @Override
          public String metricName(Request request, String method) {
            return method.startsWith("admin_") ? "other" : method;
          }
        };
    recorder.refusals =
        new Refusals() {
          @Override
          public void record(Caller caller, String requestId, String method, Refusal refusal) {
            requestIds.add(requestId);
            recorded.add(method + " " + refusal.refusalClass() + ": " + refusal.error().message());
          }
        };
  }

  private static RequestContext context(String body) {
    return TestContexts.of(
        body.getBytes(StandardCharsets.UTF_8), new Caller("203.0.113.9", null, null));
  }

  private static List<MemberOutcome> members(RequestContext ctx) throws Exception {
    Request r = ctx.request();
    return MemberOutcome.of(
        ctx, new RpcParser(ParseLimits.DEFAULTS).parse(r.body(), r.length()).members());
  }

  @Test
  void everyRefusedMemberIsRecordedOnceUnderTheBodysId() throws Exception {
    RequestContext ctx =
        context(
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_peers\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_getLogs\",\"params\":[{}]},"
                + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_chainId\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"eth_sendRawTransaction\"},"
                + "7]");
    List<MemberOutcome> members = members(ctx);
    members
        .get(0)
        .settle(Verdict.refused(new RpcError(RpcErrorCode.METHOD_NOT_ALLOWED, "no"), "method"));
    members
        .get(1)
        .settle(
            new CallResult.Refused(
                Refusal.of(
                    new RpcError(RpcErrorCode.LOGS_TOO_LARGE, "over the range"), "getlogs")));
    members.get(2).settle(new Verdict.Answered("{}".getBytes(StandardCharsets.UTF_8)));
    members
        .get(3)
        .settle(
            Verdict.invalid(
                new RpcError(RpcErrorCode.INVALID_PARAMS, "not a transaction"),
                "invalid-transaction"));

    recorder.record(ctx, members, Duration.ZERO);

    assertEquals(
        List.of(
            "other method: no",
            "eth_getLogs getlogs: over the range",
            "eth_sendRawTransaction invalid-transaction: not a transaction"),
        recorded);
    assertEquals(1, new HashSet<>(requestIds).size(), "one request id: " + requestIds);
    assertEquals(
        List.of(
            "other refused ip mainnet",
            "eth_getLogs refused ip mainnet",
            "eth_chainId ok ip mainnet",
            "eth_sendRawTransaction invalid ip mainnet",
            "invalid invalid ip mainnet"),
        calls,
        "every member counted, the invalid one as no refusal");
    assertEquals(4, errors.size(), "each member answered with an error, by code: " + errors);
    assertEquals("-32600", errors.get(3), "the invalid member's");
  }

  @Test
  void aWholeBodyIsRecordedAsARefusalOnlyWhenItBrokeALimit() {
    RpcError tooLarge = new RpcError(RpcErrorCode.BODY_TOO_LARGE, "body exceeds 10 bytes");
    RpcError tooMany = new RpcError(RpcErrorCode.BATCH_TOO_LARGE, "more than 2 requests");
    RpcError notJson = new RpcError(RpcErrorCode.PARSE_ERROR, "invalid JSON");
    RequestContext ctx = context("x");
    for (RpcError e : List.of(tooLarge, tooMany, notJson)) {
      recorder.refused(ctx, e, new Parsing.Result(null, e).limit(), Duration.ZERO);
    }
    assertNull(new Parsing.Result(null, null).limit());
    assertEquals(
        List.of("- body-size: body exceeds 10 bytes", "- batch-size: more than 2 requests"),
        recorded);
    assertEquals(3, calls.size(), "each counted as invalid: " + calls);
    assertEquals(List.of("-32021", "-32014", "-32700"), errors, "and as an error by its code");
  }
}
