package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ForwarderTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

  /** Scripted answers per upstream: a body, or a failure kind. */
  private final Map<String, Deque<Object>> script = new HashMap<>();

  private final List<String> calls = new ArrayList<>();
  private final List<Duration> pauses = new ArrayList<>();

  private final UpstreamTransport transport =
      (upstream, payload, timeout, clientIp, submission) -> {
        calls.add(upstream.name());
        Object next = script.getOrDefault(upstream.name(), new ArrayDeque<>()).poll();
        if (next instanceof Kind k) {
          throw new UpstreamException(k, k.name().toLowerCase());
        }
        if (next == null) {
          throw new UpstreamException(Kind.CONNECT, "connection refused");
        }
        return ((String) next).getBytes(StandardCharsets.UTF_8);
      };

  private final Forwarder forwarder =
      new Forwarder(
          transport,
          new ErrorClassifier(Set.of(-32005, -32601, 429), List.of("rate limit")),
          clock,
          d -> {
            pauses.add(d);
            clock.advance(d);
          },
          Duration.ofMillis(100),
          Duration.ofSeconds(1),
          UpstreamsConfig.Hedging.OFF);

  /** An upstream of a network on chain 8453, not yet seen on it. */
  private Upstream onChain(String name) {
    return new Upstream(
        UpstreamSettings.of(name, URI.create("http://127.0.0.1:1")),
        new CircuitBreaker(clock, 3, Duration.ofSeconds(10)),
        clock,
        8453);
  }

  private Upstream upstream(String name, int retries, int maxInFlight) {
    return new Upstream(
        new UpstreamSettings(
            name,
            URI.create("http://127.0.0.1:1"),
            Duration.ofSeconds(2),
            retries,
            1,
            0,
            maxInFlight,
            Map.of(),
            false,
            10),
        new CircuitBreaker(clock, 3, Duration.ofSeconds(10)),
        clock);
  }

  private void answers(String upstream, Object... steps) {
    script.computeIfAbsent(upstream, k -> new ArrayDeque<>()).addAll(List.of(steps));
  }

  private static String ok(long id) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\"0x1\"}";
  }

  private static String err(long id, int code, String message) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"error\":{\"code\":"
        + code
        + ",\"message\":\""
        + message
        + "\"}}";
  }

  private Forwarder.Outcome send(List<Upstream> order, boolean submission) {
    return forwarder.send(
        order,
        new Forwarder.Exchange("{}".getBytes(), new long[] {7}, false, submission),
        Deadline.after(clock, Duration.ofSeconds(10)),
        null);
  }

  @Test
  void transientFailureIsRetriedWithBackoffThenFailsOver() {
    Upstream a = upstream("a", 2, 0);
    Upstream b = upstream("b", 2, 0);
    answers("a", Kind.CONNECT, Kind.HTTP_STATUS, Kind.IO);
    answers("b", ok(7));
    Forwarder.Outcome o = send(List.of(a, b), false);
    assertInstanceOf(Forwarder.Answered.class, o);
    assertEquals(List.of("a", "a", "a", "b"), calls);
    assertEquals(2, pauses.size());
    assertTrue(pauses.get(0).toMillis() >= 50 && pauses.get(0).toMillis() <= 100, "" + pauses);
    assertTrue(pauses.get(1).toMillis() >= 100 && pauses.get(1).toMillis() <= 200, "" + pauses);
  }

  @Test
  void timeoutMovesOnWithoutRetry() {
    Upstream a = upstream("a", 3, 0);
    Upstream b = upstream("b", 3, 0);
    answers("a", Kind.TIMEOUT);
    answers("b", ok(7));
    send(List.of(a, b), false);
    assertEquals(List.of("a", "b"), calls);
  }

  @Test
  void chainErrorsAreAnswersAndProviderErrorsFailOver() {
    Upstream a = upstream("a", 0, 0);
    Upstream b = upstream("b", 0, 0);
    answers("a", err(7, -32000, "execution reverted"));
    assertInstanceOf(Forwarder.Answered.class, send(List.of(a, b), false));
    assertEquals(List.of("a"), calls);
    calls.clear();
    answers("a", err(7, -32005, "daily limit"));
    answers("b", err(7, 429, "slow down"));
    Forwarder.Answered last =
        assertInstanceOf(Forwarder.Answered.class, send(List.of(a, b), false));
    assertEquals(List.of("a", "b"), calls);
    assertEquals(429, last.byId().get(7L).errorCode(), "the last provider answer comes back");
    assertTrue(a.breaker().inRotation(), "a provider error does not take an upstream out");
  }

  @Test
  void mismatchedIdsAndGarbageFailOver() {
    Upstream a = upstream("a", 0, 0);
    Upstream b = upstream("b", 0, 0);
    answers("a", ok(8));
    answers("b", "<html>");
    Forwarder.Failed f = assertInstanceOf(Forwarder.Failed.class, send(List.of(a, b), false));
    assertEquals(RpcErrorCode.NO_UPSTREAM, f.error().code());
    assertTrue(f.error().message().contains("a: answer id does not match"), f.error().message());
    assertTrue(f.error().message().contains("b: answer is not JSON-RPC"), f.error().message());
    assertFalse(f.error().message().contains("127.0.0.1"));
  }

  @Test
  void batchAnswerMustHoldEveryIdOnce() {
    Upstream a = upstream("a", 0, 0);
    Upstream b = upstream("b", 0, 0);
    answers("a", "[" + ok(1) + "," + ok(1) + "]");
    answers("b", "[" + ok(2) + "," + ok(1) + "]");
    Forwarder.Outcome o =
        forwarder.send(
            List.of(a, b),
            new Forwarder.Exchange("[]".getBytes(), new long[] {1, 2}, true, false),
            Deadline.after(clock, Duration.ofSeconds(10)),
            null);
    Forwarder.Answered answered = assertInstanceOf(Forwarder.Answered.class, o);
    assertEquals("b", answered.upstream());
  }

  @Test
  void singleErrorObjectForABatchFailsOver() {
    Upstream a = upstream("a", 0, 0);
    Upstream b = upstream("b", 0, 0);
    answers(
        "a",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"batch not supported\"}}");
    answers("b", "[" + ok(1) + "," + ok(2) + "]");
    Forwarder.Outcome o =
        forwarder.send(
            List.of(a, b),
            new Forwarder.Exchange("[]".getBytes(), new long[] {1, 2}, true, false),
            Deadline.after(clock, Duration.ofSeconds(10)),
            null);
    assertEquals("b", assertInstanceOf(Forwarder.Answered.class, o).upstream());
  }

  @Test
  void submissionsAreSentOncePerUpstreamAndMoveOnOnlyWhenSafe() {
    Upstream a = upstream("a", 3, 0);
    Upstream b = upstream("b", 3, 0);
    answers("a", Kind.CONNECT);
    answers("b", ok(7));
    assertInstanceOf(Forwarder.Answered.class, send(List.of(a, b), true));
    assertEquals(List.of("a", "b"), calls, "one attempt on a, then b");

    for (Kind unsafe : new Kind[] {Kind.TIMEOUT, Kind.IO, Kind.BAD_BODY}) {
      calls.clear();
      Upstream c = upstream("c" + unsafe.ordinal(), 3, 0);
      answers(c.name(), unsafe == Kind.BAD_BODY ? "garbage" : unsafe);
      Forwarder.Failed f = assertInstanceOf(Forwarder.Failed.class, send(List.of(c, b), true));
      assertEquals(List.of(c.name()), calls, unsafe + " may have arrived: not sent elsewhere");
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
    answers("b", ok(7));
    assertInstanceOf(Forwarder.Answered.class, send(List.of(out, full, b), false));
    assertEquals(List.of("b"), calls);
  }

  @Test
  void allTimingOutIsAnUpstreamTimeout() {
    Upstream a = upstream("a", 0, 0);
    Upstream b = upstream("b", 0, 0);
    answers("a", Kind.TIMEOUT);
    answers("b", Kind.TIMEOUT);
    Forwarder.Failed f = assertInstanceOf(Forwarder.Failed.class, send(List.of(a, b), false));
    assertEquals(RpcErrorCode.UPSTREAM_TIMEOUT, f.error().code());
  }

  @Test
  void tooLargeStopsAtOnce() {
    Upstream a = upstream("a", 3, 0);
    Upstream b = upstream("b", 0, 0);
    answers("a", Kind.TOO_LARGE);
    Forwarder.Failed f = assertInstanceOf(Forwarder.Failed.class, send(List.of(a, b), false));
    assertEquals(RpcErrorCode.RESPONSE_TOO_LARGE, f.error().code());
    assertEquals(List.of("a"), calls);
  }

  @Test
  void consecutiveFailuresTakeAnUpstreamOutUntilAProbe() {
    Upstream a = upstream("a", 0, 0);
    Upstream b = upstream("b", 0, 0);
    for (int i = 0; i < 3; i++) {
      answers("a", Kind.HTTP_STATUS);
      answers("b", ok(7));
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
    answers(
        "a", Kind.CONNECT, Kind.CONNECT, Kind.CONNECT, Kind.CONNECT, Kind.CONNECT, Kind.CONNECT);
    forwarder.send(
        List.of(a),
        new Forwarder.Exchange("{}".getBytes(), new long[] {7}, false, false),
        Deadline.after(clock, Duration.ofMillis(250)),
        null);
    long paused = pauses.stream().mapToLong(Duration::toMillis).sum();
    assertTrue(paused < 250, "paused " + paused + " ms in a 250 ms deadline");
  }

  @Test
  void aConnectionThatBrokeTakesAnUpstreamWithAChainOutUntilItsChainIsSeenAgain() {
    Upstream a = onChain("a");
    Upstream b = upstream("b", 0, 0);
    a.chainSeen(8453);
    answers("a", Kind.IO, ok(7));
    answers("b", ok(7));
    assertInstanceOf(Forwarder.Answered.class, send(List.of(a, b), false));
    assertEquals(List.of("a", "b"), calls, "not retried on a until its chain is seen");
    assertEquals(CircuitBreaker.Chain.UNVERIFIED, a.breaker().chain());
    a.chainSeen(8453);
    assertTrue(a.breaker().inRotation());
  }

  @Test
  void aResetOnTheOnlyUpstreamIsRetriedOnceItsChainAskedAtOnceIsSeen() {
    Upstream a = onChain("a");
    a.chainSeen(8453);
    Forwarder checkedDuringThePause =
        new Forwarder(
            transport,
            new ErrorClassifier(Set.of(), List.of()),
            clock,
            d -> {
              clock.advance(d);
              a.chainSeen(8453);
            },
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            UpstreamsConfig.Hedging.OFF);
    answers("a", Kind.IO, ok(7));
    Forwarder.Outcome out =
        checkedDuringThePause.send(
            List.of(a),
            new Forwarder.Exchange("{}".getBytes(), new long[] {7}, false, false),
            Deadline.after(clock, Duration.ofSeconds(10)),
            null);
    assertInstanceOf(Forwarder.Answered.class, out);
    assertEquals(List.of("a", "a"), calls);
  }

  @Test
  void aResetIsNotRetriedWhileTheChainIsStillInDoubtAfterThePause() {
    Upstream a = onChain("a");
    a.chainSeen(8453);
    answers("a", Kind.IO, ok(7));
    assertInstanceOf(Forwarder.Failed.class, send(List.of(a), false));
    assertEquals(List.of("a"), calls, "never sent on a connection whose chain is not seen");
  }
}
