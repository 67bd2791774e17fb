package dev.rpcshield.upstream.chain;

import static dev.rpcshield.upstream.chain.ScriptedTransport.err;
import static dev.rpcshield.upstream.chain.ScriptedTransport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.UpstreamReply;
import dev.rpcshield.testing.ManualTimer;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.CircuitBreaker;
import dev.rpcshield.upstream.Deadline;
import dev.rpcshield.upstream.ErrorClassifier;
import dev.rpcshield.upstream.TestUpstreams;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamsConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Failover, retry and the attempt as the network stacks them below the hedge, on a scripted
 * transport, a clock and a timer moved by hand: the pauses between retries are the delays the timer
 * was asked for.
 */
class FailoverRetryAttemptTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final ManualTimer timer = new ManualTimer(clock);
  private final ScriptedTransport transport = new ScriptedTransport();

  /** Each attempt as the metrics are told of it: upstream, method, outcome. */
  private final List<String> attempts = new java.util.ArrayList<>();

  private final UpstreamCall chain =
      chain(new ErrorClassifier(Set.of(-32005, -32601, 429), List.of("rate limit")));

  private UpstreamCall chain(ErrorClassifier classifier) {
    return chain(classifier, new UpstreamsConfig.Integrity(true, true, true));
  }

  private UpstreamCall chain(ErrorClassifier classifier, UpstreamsConfig.Integrity integrity) {
    return new FailoverLink(
        new RetryLink(
            new AttemptLink(
                transport,
                classifier,
                integrity,
                clock,
                (upstream, method, outcome, millis) ->
                    attempts.add(upstream + " " + method + " " + outcome)),
            timer,
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            n -> ThreadLocalRandom.current().nextLong(n + 1)));
  }

  /** An upstream of a network on chain 8453, not yet seen on it. */
  private Upstream onChain(String name) {
    return TestUpstreams.onChain(name, clock, 8453);
  }

  private Upstream upstream(String name, int retries, int maxInFlight) {
    return TestUpstreams.upstream(name, clock, Duration.ofSeconds(2), retries, maxInFlight, 10);
  }

  private List<String> calls() {
    return transport.calls;
  }

  private Exchange exchange(
      int calls, long[] ids, boolean batch, boolean submission, List<Upstream> order, Duration in) {
    List<RpcCall> members =
        IntStream.range(0, calls)
            .mapToObj(i -> RpcCall.of(submission ? "eth_sendRawTransaction" : "eth_call", "[]"))
            .toList();
    return Exchange.of(members, Deadline.after(clock, in), "203.0.113.9", null)
        .routed(new Exchange.Route("{}".getBytes(), ids, batch, submission, order));
  }

  /** Sends and runs every pause the chain asks for until it has answered. */
  private Outcome send(Exchange exchange) {
    CompletableFuture<Outcome> f = chain.call(exchange).toCompletableFuture();
    while (!f.isDone() && timer.pending() > 0) {
      timer.runNext();
    }
    assertTrue(f.isDone(), "answered without any pause left to wait for");
    return f.join();
  }

  private Outcome send(List<Upstream> order, boolean submission) {
    return send(exchange(1, new long[] {7}, false, submission, order, Duration.ofSeconds(10)));
  }

  private Outcome sendBatch(List<Upstream> order) {
    return send(exchange(2, new long[] {1, 2}, true, false, order, Duration.ofSeconds(10)));
  }

  private static CallResult.Answer answered(Outcome o) {
    assertTrue(o.answered(), "answered: " + o);
    return assertInstanceOf(CallResult.Answer.class, o.results().get(0));
  }

  private static CallResult.Failure failed(Outcome o) {
    assertNotNull(o.failure(), "failed: " + o);
    return assertInstanceOf(CallResult.Failure.class, o.results().get(0));
  }

  @Test
  void oneCallGoesWithItsGatewayIdAndABatchOrASubmissionAsAPayload() {
    Upstream a = upstream("a", 0, 0);
    transport.answers("a", ok(7), ok(7), "[" + ok(1) + "," + ok(2) + "]");
    answered(send(List.of(a), false));
    answered(send(List.of(a), true));
    assertTrue(sendBatch(List.of(a)).answered());
    assertEquals(List.of("call 7", "submission", "payload"), transport.ways);
  }

  @Test
  void anUpstreamAReloadRemovedTakesNoNewRequestEvenFromAnOrderTakenBefore() {
    Upstream a = upstream("a", 0, 5);
    Upstream b = upstream("b", 0, 0);
    assertTrue(a.tryAcquire(), "a request in flight on a before the reload");
    TestUpstreams.remove(a);
    transport.answers("b", ok(7));
    answered(send(List.of(a, b), false));
    assertEquals(List.of("b"), calls());
    CallResult.Failure f = failed(send(List.of(a), false));
    assertTrue(f.error().message().contains("a: removed by a reload"), f.error().message());
    assertEquals(List.of("b"), calls(), "nothing was sent to a");
    assertEquals(
        1, a.inFlight(), "the request from before the reload still counts: the drain waits");
    a.release();
    assertEquals(0, a.inFlight());
  }

  @Test
  void transientFailureIsRetriedWithBackoffThenFailsOver() {
    Upstream a = upstream("a", 2, 0);
    Upstream b = upstream("b", 2, 0);
    transport.answers("a", Kind.CONNECT, Kind.HTTP_STATUS, Kind.IO);
    transport.answers("b", ok(7));
    Outcome o = send(List.of(a, b), false);
    answered(o);
    assertEquals(List.of("a", "a", "a", "b"), calls());
    assertEquals(
        List.of("a eth_call connect", "a eth_call http_status", "a eth_call io", "b eth_call ok"),
        attempts,
        "each attempt counted by its outcome");
    List<Duration> pauses = timer.delays();
    assertEquals(2, pauses.size());
    assertTrue(pauses.get(0).toMillis() >= 50 && pauses.get(0).toMillis() <= 100, "" + pauses);
    assertTrue(pauses.get(1).toMillis() >= 100 && pauses.get(1).toMillis() <= 200, "" + pauses);
  }

  @Test
  void timeoutMovesOnWithoutRetry() {
    Upstream a = upstream("a", 3, 0);
    Upstream b = upstream("b", 3, 0);
    transport.answers("a", Kind.TIMEOUT);
    transport.answers("b", ok(7));
    send(List.of(a, b), false);
    assertEquals(List.of("a", "b"), calls());
  }

  @Test
  void chainErrorsAreAnswersAndProviderErrorsFailOver() throws Exception {
    Upstream a = upstream("a", 0, 0);
    Upstream b = upstream("b", 0, 0);
    transport.answers("a", err(7, -32000, "execution reverted"));
    answered(send(List.of(a, b), false));
    assertEquals(List.of("a"), calls());
    assertEquals(List.of("a eth_call error"), attempts, "the chain's error answer");
    calls().clear();
    transport.answers("a", err(7, -32005, "daily limit"));
    transport.answers("b", err(7, 429, "slow down"));
    CallResult.Answer last = answered(send(List.of(a, b), false));
    assertEquals(List.of("a", "b"), calls());
    assertEquals(
        429,
        UpstreamReply.read(last.body()).answers().get(0).errorCode(),
        "the last provider answer comes back");
    assertTrue(a.breaker().inRotation(), "a provider error does not take an upstream out");
  }

  @Test
  void mismatchedIdsAndGarbageFailOver() {
    Upstream a = upstream("a", 0, 0);
    Upstream b = upstream("b", 0, 0);
    transport.answers("a", ok(8));
    transport.answers("b", "<html>");
    CallResult.Failure f = failed(send(List.of(a, b), false));
    assertEquals(RpcErrorCode.NO_UPSTREAM, f.error().code());
    assertTrue(f.error().message().contains("a: answer id does not match"), f.error().message());
    assertTrue(f.error().message().contains("b: answer is not JSON-RPC"), f.error().message());
    assertFalse(f.error().message().contains("127.0.0.1"));
  }

  @Test
  void batchAnswerMustHoldEveryIdOnce() {
    Upstream a = upstream("a", 0, 0);
    Upstream b = upstream("b", 0, 0);
    transport.answers("a", "[" + ok(1) + "," + ok(1) + "]");
    transport.answers("b", "[" + ok(2) + "," + ok(1) + "]");
    Outcome o = sendBatch(List.of(a, b));
    answered(o);
    assertEquals("b", o.upstream());
  }

  @Test
  void singleErrorObjectForABatchFailsOver() {
    Upstream a = upstream("a", 0, 0);
    Upstream b = upstream("b", 0, 0);
    transport.answers(
        "a",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"batch not supported\"}}");
    transport.answers("b", "[" + ok(1) + "," + ok(2) + "]");
    Outcome o = sendBatch(List.of(a, b));
    assertEquals("b", answered(o).upstream());
  }

  @Test
  void submissionsAreSentOncePerUpstreamAndMoveOnOnlyWhenSafe() {
    Upstream a = upstream("a", 3, 0);
    Upstream b = upstream("b", 3, 0);
    transport.answers("a", Kind.CONNECT);
    transport.answers("b", ok(7));
    answered(send(List.of(a, b), true));
    assertEquals(List.of("a", "b"), calls(), "one attempt on a, then b");

    for (Kind unsafe : new Kind[] {Kind.TIMEOUT, Kind.IO, Kind.BAD_BODY}) {
      calls().clear();
      Upstream c = upstream("c" + unsafe.ordinal(), 3, 0);
      transport.answers(c.name(), unsafe == Kind.BAD_BODY ? "garbage" : unsafe);
      CallResult.Failure f = failed(send(List.of(c, b), true));
      assertEquals(List.of(c.name()), calls(), unsafe + " may have arrived: not sent elsewhere");
      assertTrue(f.error().message().contains("not sent elsewhere"));
      assertEquals(
          unsafe == Kind.TIMEOUT ? RpcErrorCode.UPSTREAM_TIMEOUT : RpcErrorCode.NO_UPSTREAM,
          f.error().code());
    }
  }

  @Test
  void openBreakersAndFullCapsAreSkippedWithoutACall() {
    Upstream out = upstream("out", 0, 0);
    out.breaker().open();
    Upstream full = upstream("full", 0, 1);
    assertTrue(full.tryAcquire());
    Upstream b = upstream("b", 0, 0);
    transport.answers("b", ok(7));
    answered(send(List.of(out, full, b), false));
    assertEquals(List.of("b"), calls());
  }

  @Test
  void allTimingOutIsAnUpstreamTimeout() {
    Upstream a = upstream("a", 0, 0);
    Upstream b = upstream("b", 0, 0);
    transport.answers("a", Kind.TIMEOUT);
    transport.answers("b", Kind.TIMEOUT);
    CallResult.Failure f = failed(send(List.of(a, b), false));
    assertEquals(RpcErrorCode.UPSTREAM_TIMEOUT, f.error().code());
  }

  @Test
  void tooLargeStopsAtOnce() {
    Upstream a = upstream("a", 3, 0);
    Upstream b = upstream("b", 0, 0);
    transport.answers("a", Kind.TOO_LARGE);
    CallResult.Failure f = failed(send(List.of(a, b), false));
    assertEquals(RpcErrorCode.RESPONSE_TOO_LARGE, f.error().code());
    assertEquals(List.of("a"), calls());
  }

  @Test
  void answersOverTheCapTakeNoUpstreamOut() {
    Upstream a = upstream("a", 0, 0);
    for (int i = 0; i < 3; i++) {
      transport.answers("a", Kind.TOO_LARGE);
      failed(send(List.of(a), false));
    }
    assertTrue(
        a.breaker().inRotation(),
        "the answer was too large for the cap, not the upstream's failure");
  }

  @Test
  void consecutiveFailuresTakeAnUpstreamOutUntilAProbe() {
    Upstream a = upstream("a", 0, 0);
    Upstream b = upstream("b", 0, 0);
    for (int i = 0; i < 3; i++) {
      transport.answers("a", Kind.HTTP_STATUS);
      transport.answers("b", ok(7));
      send(List.of(a, b), false);
    }
    assertFalse(a.breaker().inRotation());
    assertFalse(a.breaker().probeDue());
    clock.advance(Duration.ofSeconds(11));
    assertTrue(a.breaker().probeDue());
    a.breaker().probeSucceeded();
    assertTrue(a.breaker().inRotation());
  }

  @Test
  void noPauseRunsPastTheDeadline() {
    Upstream a = upstream("a", 5, 0);
    transport.answers(
        "a", Kind.CONNECT, Kind.CONNECT, Kind.CONNECT, Kind.CONNECT, Kind.CONNECT, Kind.CONNECT);
    send(exchange(1, new long[] {7}, false, false, List.of(a), Duration.ofMillis(250)));
    long paused = timer.delays().stream().mapToLong(Duration::toMillis).sum();
    assertTrue(paused < 250, "paused " + paused + " ms in a 250 ms deadline");
  }

  @Test
  void aConnectionThatBrokeTakesAnUpstreamWithAChainOutUntilItsChainIsSeenAgain() {
    Upstream a = onChain("a");
    Upstream b = upstream("b", 0, 0);
    TestUpstreams.chainSeen(a, 8453);
    transport.answers("a", Kind.IO, ok(7));
    transport.answers("b", ok(7));
    answered(send(List.of(a, b), false));
    assertEquals(List.of("a", "b"), calls(), "not retried on a until its chain is seen");
    assertEquals(CircuitBreaker.Chain.UNVERIFIED, a.breaker().chain());
    TestUpstreams.chainSeen(a, 8453);
    assertTrue(a.breaker().inRotation());
  }

  @Test
  void aResetOnTheOnlyUpstreamIsRetriedOnceItsChainAskedAtOnceIsSeen() {
    Upstream a = onChain("a");
    TestUpstreams.chainSeen(a, 8453);
    transport.answers("a", Kind.IO, ok(7));
    CompletableFuture<Outcome> out =
        chain(new ErrorClassifier(Set.of(), List.of()))
            .call(exchange(1, new long[] {7}, false, false, List.of(a), Duration.ofSeconds(10)))
            .toCompletableFuture();
    assertFalse(out.isDone(), "the retry waits out its pause");
    TestUpstreams.chainSeen(a, 8453);
    assertTrue(timer.runNext());
    assertTrue(out.isDone());
    answered(out.join());
    assertEquals(List.of("a", "a"), calls());
  }

  @Test
  void aResetIsNotRetriedWhileTheChainIsStillInDoubtAfterThePause() {
    Upstream a = onChain("a");
    TestUpstreams.chainSeen(a, 8453);
    transport.answers("a", Kind.IO, ok(7));
    failed(send(List.of(a), false));
    assertEquals(List.of("a"), calls(), "never sent on a connection whose chain is not seen");
  }

  /** A state call (eth_getBalance) at {@code block}, or at no numbered block for -1. */
  private Outcome stateCall(long block, List<Upstream> order) {
    return send(
        Exchange.of(
                List.of(RpcCall.of("eth_getBalance", "[]")),
                Deadline.after(clock, Duration.ofSeconds(10)),
                null,
                null)
            .routed(
                new Exchange.Route("{}".getBytes(), new long[] {7}, false, false, order, block)));
  }

  private Upstream atHead(String name, long head) {
    Upstream u = upstream(name, 1, 0);
    u.head().observe(head, -1, -1, clock.instant());
    return u;
  }

  @Test
  void aPrunedStateAnswerMovesTheCallOnAndKeepsStateCallsThatOldAwayFromThatUpstream() {
    Upstream pruned = atHead("p", 1000);
    Upstream archive = atHead("a", 1000);
    transport.answers("p", err(7, -32000, "missing trie node 5e1f (path )"));
    transport.always("a", () -> ok(7));

    assertEquals("a", answered(stateCall(10, List.of(pruned, archive))).upstream());
    assertEquals(List.of("p", "a"), calls(), "not retried on p, asked of a at once");
    assertEquals(11, pruned.stateFrom(), "it lacked the state 990 blocks below its head");
    assertTrue(pruned.breaker().inRotation(), "a pruned node is healthy");

    assertEquals("a", answered(stateCall(11 - 1, List.of(pruned, archive))).upstream());
    assertEquals("a", answered(stateCall(3, List.of(pruned, archive))).upstream());
    assertEquals(List.of("p", "a", "a", "a"), calls(), "p was not asked again below its bound");

    transport.answers("p", ok(7), ok(7));
    assertEquals("p", answered(stateCall(11, List.of(pruned, archive))).upstream());
    assertEquals("p", answered(stateCall(-1, List.of(pruned, archive))).upstream());

    pruned.head().observe(1100, -1, -1, clock.instant());
    assertEquals(111, pruned.stateFrom(), "the bound moves up with its head");
    clock.advance(Duration.ofMinutes(10));
    assertEquals(0, pruned.stateFrom(), "after the recheck time it is asked again");
  }

  @Test
  void whenNoUpstreamKeepsTheStateTheClientIsToldWhy() {
    Upstream p = atHead("p", 1000);
    Upstream q = atHead("q", 1000);
    transport.answers("p", err(7, -32000, "state at block #10 is pruned"));
    transport.answers("q", err(7, 4444, "pruned history unavailable"));
    CallResult.Failure first = failed(stateCall(10, List.of(p, q)));
    assertEquals(RpcErrorCode.NO_UPSTREAM, first.error().code());
    assertEquals(
        "no upstream available: p: keeps no state of block 10; q: keeps no state of block 10",
        first.error().message());

    CallResult.Failure later = failed(stateCall(5, List.of(p, q)));
    assertEquals(
        "no upstream available: p: keeps no state of block 5 (only from block 11);"
            + " q: keeps no state of block 5 (only from block 11)",
        later.error().message());
    assertEquals(List.of("p", "q"), calls(), "the later call was sent to neither");
  }

  @Test
  void anErrorForAStateAtOrAboveTheUpstreamsHeadIsTheChainsAnswer() {
    Upstream u = atHead("u", 1000);
    transport.answers("u", err(7, -32000, "header not found"));
    CallResult.Answer a = answered(stateCall(1000, List.of(u)));
    assertTrue(a.chainError());
    assertEquals(0, u.stateFrom());
  }

  @Test
  void aRevertIsTheChainsAnswerWhateverItsReasonSays() {
    Upstream u = atHead("u", 1000);
    transport.answers(
        "u",
        err(7, 3, "execution reverted"),
        err(7, 3, "execution reverted: price data unavailable, pruned"));
    assertTrue(answered(stateCall(10, List.of(u))).chainError());
    assertTrue(answered(stateCall(10, List.of(u))).chainError());
    assertEquals(0, u.stateFrom());
  }

  @Test
  void noProofThatOldMovesTheCallOnButSaysNothingOfTheStateKept() {
    Upstream reth = atHead("r", 1000);
    Upstream other = atHead("o", 1000);
    transport.answers("r", err(7, -32000, "distance to target block exceeds maximum proof window"));
    transport.answers("o", ok(7));
    assertEquals("o", answered(stateCall(10, List.of(reth, other))).upstream());
    assertEquals(0, reth.stateFrom());
  }

  @Test
  void aHeaderNotFoundCloseToTheHeadMovesTheCallOnAndTeachesNothing() {
    Upstream lagging = atHead("l", 1000);
    Upstream other = atHead("o", 1000);
    transport.answers("l", err(7, -32000, "header not found"));
    transport.answers("o", ok(7));
    assertEquals("o", answered(stateCall(990, List.of(lagging, other))).upstream());
    assertEquals(0, lagging.stateFrom());
  }

  private Outcome call(UpstreamCall through, String method, String params, List<Upstream> order) {
    CompletableFuture<Outcome> f =
        through
            .call(
                Exchange.of(
                        List.of(RpcCall.of(method, params)),
                        Deadline.after(clock, Duration.ofSeconds(10)),
                        null,
                        null)
                    .routed(
                        new Exchange.Route("{}".getBytes(), new long[] {7}, false, false, order)))
            .toCompletableFuture();
    assertTrue(f.isDone());
    return f.join();
  }

  private static String logsAnswer(String... blocks) {
    StringBuilder logs = new StringBuilder("[");
    for (String b : blocks) {
      logs.append(logs.length() > 1 ? "," : "")
          .append("{\"address\":\"0x1\",\"blockNumber\":\"")
          .append(b)
          .append("\",\"blockHash\":\"0xAB")
          .append(b.substring(2))
          .append("\",\"topics\":[]}");
    }
    return "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":" + logs + "]}";
  }

  private static String text(Outcome o) {
    return new String(answered(o).body(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void logsOutsideTheAskedRangeAreDiscardedAndTheUpstreamCounted() {
    Upstream liar = upstream("l", 1, 0);
    Upstream honest = upstream("h", 0, 0);
    transport.answers("l", logsAnswer("0x10", "0x30"));
    transport.answers("h", logsAnswer("0x10", "0x11"));
    String params = "[{\"fromBlock\":\"0x10\",\"toBlock\":\"0x20\"}]";
    Outcome o = call(chain, "eth_getLogs", params, List.of(liar, honest));
    assertEquals("h", answered(o).upstream());
    assertEquals(List.of("l", "h"), calls(), "not retried on the liar");
    assertEquals(1, liar.disagreements());
    assertEquals(0, honest.disagreements());

    transport.answers("l", logsAnswer("0x30"));
    CallResult.Failure f = failed(call(chain, "eth_getLogs", params, List.of(liar)));
    assertEquals(
        "no upstream available: l: a log of block 48, outside the asked range",
        f.error().message());
  }

  @Test
  void logsOfAnotherBlockThanTheHashAskedAreDiscarded() {
    Upstream liar = upstream("l", 1, 0);
    Upstream honest = upstream("h", 0, 0);
    transport.answers("l", logsAnswer("0x10", "0x11"));
    transport.answers("h", logsAnswer("0x10"));
    Outcome o = call(chain, "eth_getLogs", "[{\"blockHash\":\"0xab10\"}]", List.of(liar, honest));
    assertEquals("h", answered(o).upstream());
  }

  @Test
  void withTheChecksOffALogOutsideTheRangeIsServed() {
    Upstream liar = upstream("l", 1, 0);
    transport.answers("l", logsAnswer("0x30"));
    Outcome o =
        call(
            chain(
                new ErrorClassifier(Set.of(), List.of()),
                new UpstreamsConfig.Integrity(false, false, false)),
            "eth_getLogs",
            "[{\"fromBlock\":\"0x10\",\"toBlock\":\"0x20\"}]",
            List.of(liar));
    assertTrue(text(o).contains("0x30"), text(o));
  }

  @Test
  void aNullBlockAnUpstreamsHeadSaysItHasIsAskedElsewhereAndServedOnlyWhenNoneHasIt() {
    Upstream a = atHead("a", 10);
    Upstream b = atHead("b", 10);
    String block = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"number\":\"0x5\"}}";
    String none = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":null}";
    transport.answers("a", none, none, none);
    transport.answers("b", block, none);
    String params = "[\"0x5\",false]";
    assertEquals(
        "b", answered(call(chain, "eth_getBlockByNumber", params, List.of(a, b))).upstream());
    assertTrue(a.breaker().inRotation());

    Outcome bothNull = call(chain, "eth_getBlockByNumber", params, List.of(a, b));
    assertTrue(text(bothNull).contains("\"result\":null"), text(bothNull));

    Upstream behind = atHead("c", 3);
    transport.answers("c", none);
    Outcome ahead = call(chain, "eth_getBlockByNumber", params, List.of(behind, a));
    assertEquals("c", answered(ahead).upstream(), "a block past its head may well be null");
  }

  @Test
  void logsThatAreNoObjectsOrNameNoBlockAreDiscarded() {
    Upstream liar = upstream("l", 0, 0);
    Upstream honest = upstream("h", 0, 0);
    String range = "[{\"fromBlock\":\"0x10\",\"toBlock\":\"0x20\"}]";
    transport.answers(
        "l",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":[0," + logsAnswer("0x30").substring(34),
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":[{\"address\":\"0x1\",\"topics\":[]}]}");
    transport.always("h", () -> logsAnswer("0x10"));
    assertEquals(
        "h", answered(call(chain, "eth_getLogs", range, List.of(liar, honest))).upstream());
    assertEquals(
        "h", answered(call(chain, "eth_getLogs", range, List.of(liar, honest))).upstream());
    assertEquals(2, liar.disagreements());
  }
}
