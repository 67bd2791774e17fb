package dev.rpcshield.upstream.chain;

import static dev.rpcshield.upstream.chain.ScriptedTransport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.telemetry.Trace;
import dev.rpcshield.telemetry.Tracing;
import dev.rpcshield.testing.ManualTimer;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.testing.RecordedSpans;
import dev.rpcshield.upstream.Deadline;
import dev.rpcshield.upstream.TestUpstreams;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import dev.rpcshield.upstream.UpstreamsConfig;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Hedged requests on a clock and a timer moved by hand, as the network stacks the hedge over
 * failover, retry and the attempt: "slow" answers only when the test completes its answer, "fast"
 * at once. Whatever reaches the failover link (each racer's exchange) is recorded.
 */
class HedgeLinkTest {
  private static final Duration STEP = Duration.ofMillis(5);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final ManualTimer timer = new ManualTimer(clock);
  private final ScriptedTransport transport = new ScriptedTransport();
  private final List<Exchange> racers = new ArrayList<>();
  private final List<String> metered = new ArrayList<>();
  private final Upstream slow = upstream("slow");
  private final Upstream fast = upstream("fast");

  HedgeLinkTest() {
    transport.always("slow", CompletableFuture::new);
    transport.always("fast", () -> ok(7));
  }

  private UpstreamCall chain(UpstreamsConfig.Hedging hedging) {
    UpstreamCall failover = new FailoverLink(Attempts.retried(transport, clock, timer));
    return new HedgeLink(
        exchange -> {
          racers.add(exchange);
          return failover.call(exchange);
        },
        timer,
        hedging,
        new HedgeLink.Meter() {
          @Override
          public void hedged(String upstream) {
            metered.add("hedged " + upstream);
          }

          @Override
          public void won(String upstream) {
            metered.add("won " + upstream);
          }
        });
  }

  private static UpstreamsConfig.Hedging hedging(long delayMillis, int budgetPercent) {
    Duration delay = Duration.ofMillis(delayMillis);
    return new UpstreamsConfig.Hedging(1, delay, delay, budgetPercent);
  }

  private Upstream upstream(String name) {
    return TestUpstreams.upstream(name, clock, Duration.ofSeconds(5), 0, 0, 10);
  }

  private Exchange exchange(List<Upstream> order, boolean submission) {
    return Exchange.of(
            List.of(RpcCall.of(submission ? "eth_sendRawTransaction" : "eth_call", "[]")),
            Deadline.after(clock, Duration.ofSeconds(5)),
            null,
            null)
        .routed(new Exchange.Route("{}".getBytes(), new long[] {7}, false, submission, order));
  }

  private CompletableFuture<Outcome> send(UpstreamCall chain, boolean submission) {
    return chain.call(exchange(List.of(slow, fast), submission)).toCompletableFuture();
  }

  /** The upstream that answered a finished exchange. */
  private static String answeredBy(CompletableFuture<Outcome> f) {
    assertTrue(f.isDone(), "answered");
    Outcome o = f.join();
    assertTrue(o.answered(), "answered: " + o);
    return assertInstanceOf(CallResult.Answer.class, o.results().get(0)).upstream();
  }

  /**
   * Moves time on in 5 ms steps until {@code f} is done or {@code most} has passed, with "slow"
   * answering something (a head poll) at every step, as a busy upstream that is slow but not
   * stalled.
   */
  private void whileSlowAnswersOthers(CompletableFuture<?> f, Duration most) {
    for (Duration gone = Duration.ZERO; !f.isDone() && gone.compareTo(most) < 0; ) {
      TestUpstreams.answered(slow);
      timer.advance(STEP);
      gone = gone.plus(STEP);
    }
  }

  /** Spends the budget's initial ten hedges while "slow" keeps answering other requests. */
  private void spendTheBudget(UpstreamCall chain) {
    for (int i = 0; i < 10; i++) {
      CompletableFuture<Outcome> f = send(chain, false);
      whileSlowAnswersOthers(f, Duration.ofSeconds(1));
      assertEquals("fast", answeredBy(f));
    }
    assertEquals(10, fast.hedges());
    transport.calls.clear();
  }

  @Test
  void aSlowUpstreamIsOvertakenAndItsAbandonedAttemptCountsAgainstNoOne() {
    UpstreamCall chain = chain(hedging(20, 100));
    Instant started = clock.instant();
    CompletableFuture<Outcome> f = send(chain, false);
    assertFalse(f.isDone());
    assertEquals(List.of(Duration.ofMillis(20)), timer.delays(), "slow's hedge delay");

    timer.advance(Duration.ofMillis(20));

    assertEquals("fast", answeredBy(f));
    assertEquals(
        Duration.ofMillis(20),
        Duration.between(started, clock.instant()),
        "answered at the hedge delay");
    assertTrue(transport.sentTo("slow").get(0).isCancelled(), "the slow attempt was cancelled");
    assertTrue(racers.get(0).abandoned().isDone(), "the slow racer was abandoned");
    assertEquals(1, fast.hedges());
    assertEquals(List.of("hedged fast", "won fast"), metered);
    assertEquals(0, slow.failures(), "a cancelled attempt is not the upstream's failure");
    assertTrue(slow.breaker().inRotation());
  }

  @Test
  void eachAttemptOfAHedgedRequestIsSentItsOwnSpanOfTheRequestsTrace() {
    RecordedSpans recorded = new RecordedSpans();
    String client = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    Trace request = Tracing.of(recorded.tracer(), "jsonrpc", client, null, "r1");
    CompletableFuture<Outcome> f =
        chain(hedging(20, 100))
            .call(exchange(List.of(slow, fast), false).traced(request))
            .toCompletableFuture();
    timer.advance(Duration.ofMillis(20));
    assertEquals("fast", answeredBy(f));

    List<SpanData> attempts = recorded.named("rpcshield.upstream");
    assertEquals(2, attempts.size(), "the abandoned attempt's span ended too");
    assertEquals(
        Set.copyOf(transport.traceparents),
        attempts.stream()
            .map(a -> "00-4bf92f3577b34da6a3ce929d0e0e4736-" + a.getSpanId() + "-01")
            .collect(Collectors.toSet()),
        "each attempt was sent its own span, in the client's trace");
    assertEquals(2, Set.copyOf(transport.traceparents).size());
  }

  @Test
  void untracedTheClientsTraceparentGoesToEveryAttempt() {
    String client = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    CompletableFuture<Outcome> f =
        chain(hedging(20, 100))
            .call(exchange(List.of(slow, fast), false).traced(Trace.passing(client)))
            .toCompletableFuture();
    timer.advance(Duration.ofMillis(20));
    assertEquals("fast", answeredBy(f));
    assertEquals(List.of(client, client), transport.traceparents);
  }

  @Test
  void aTransactionSubmissionIsNeverHedged() {
    CompletableFuture<byte[]> slowAnswer = new CompletableFuture<>();
    transport.answers("slow", slowAnswer);
    CompletableFuture<Outcome> f = send(chain(hedging(20, 100)), true);

    timer.advance(Duration.ofMillis(300));
    assertFalse(f.isDone(), "still waiting on slow");
    slowAnswer.complete(ok(7).getBytes(StandardCharsets.UTF_8));

    assertEquals("slow", answeredBy(f));
    assertEquals(List.of("slow"), transport.calls);
    assertEquals(0, fast.hedges());
    assertEquals(List.of(), timer.delays(), "no hedge was ever timed");
  }

  @Test
  void anEmptyBudgetSendsNoHedgeToASlowUpstreamThatStillAnswers() {
    UpstreamCall chain = chain(hedging(150, 0));
    spendTheBudget(chain);
    CompletableFuture<byte[]> slowAnswer = new CompletableFuture<>();
    transport.answers("slow", slowAnswer);
    CompletableFuture<Outcome> f = send(chain, false);

    whileSlowAnswersOthers(f, Duration.ofMillis(600));
    assertFalse(f.isDone(), "no hedge: slow answers other requests and the budget is spent");
    slowAnswer.complete(ok(7).getBytes(StandardCharsets.UTF_8));

    assertEquals("slow", answeredBy(f));
    assertEquals(List.of("slow"), transport.calls);
  }

  @Test
  void aBudgetOfAWholeHedgePerRequestHedgesEverySlowRequest() {
    UpstreamCall chain = chain(hedging(20, 100));
    spendTheBudget(chain);
    for (int i = 0; i < 10; i++) {
      CompletableFuture<Outcome> f = send(chain, false);
      whileSlowAnswersOthers(f, Duration.ofSeconds(1));
      assertEquals("fast", answeredBy(f), "each request earned the hedge it spends");
    }
    assertEquals(20, fast.hedges());
  }

  @Test
  void aStalledUpstreamIsHedgedAroundWithAnEmptyBudget() {
    UpstreamCall chain = chain(hedging(20, 0));
    spendTheBudget(chain);
    CompletableFuture<Outcome> f = send(chain, false);

    timer.advance(Duration.ofMillis(20));

    assertEquals("fast", answeredBy(f), "a silent upstream is hedged around whatever the budget");
    assertEquals(11, fast.hedges());
  }

  @Test
  void whenEveryRacerFailsTheLastFailureIsTheOutcome() {
    Upstream a = upstream("a");
    Upstream b = upstream("b");
    CompletableFuture<byte[]> aFirst = new CompletableFuture<>();
    CompletableFuture<byte[]> bFirst = new CompletableFuture<>();
    transport.answers("a", aFirst, Kind.TIMEOUT);
    transport.answers("b", bFirst);
    CompletableFuture<Outcome> f =
        chain(hedging(20, 100)).call(exchange(List.of(a, b), false)).toCompletableFuture();
    timer.advance(Duration.ofMillis(20));
    assertEquals(List.of("a", "b"), transport.calls, "hedged to b");

    bFirst.completeExceptionally(new UpstreamException(Kind.TIMEOUT, "timeout"));
    assertFalse(f.isDone(), "b's racer failed over to a and failed; a's racer still waits");
    aFirst.completeExceptionally(new UpstreamException(Kind.HTTP_STATUS, "status 503"));

    assertTrue(f.isDone());
    Outcome o = f.join();
    CallResult.Failure last = assertInstanceOf(CallResult.Failure.class, o.results().get(0));
    assertEquals(RpcErrorCode.NO_UPSTREAM, last.error().code());
    assertTrue(
        last.error().message().endsWith(": a: status 503; b: connection refused"),
        "a's racer failed last: " + last.error().message());
    assertEquals(List.of("a", "b", "a", "b"), transport.calls);
    assertEquals(List.of("hedged b"), metered, "a hedge that failed won nothing");
  }

  @Test
  void aHedgeThatTheFirstAttemptOutrunsIsCountedButDidNotWin() {
    CompletableFuture<byte[]> slowAnswer = new CompletableFuture<>();
    transport.answers("slow", slowAnswer);
    transport.always("fast", CompletableFuture::new);
    CompletableFuture<Outcome> f = send(chain(hedging(20, 100)), false);
    timer.advance(Duration.ofMillis(20));
    assertEquals(List.of("slow", "fast"), transport.calls, "hedged to fast");

    slowAnswer.complete(ok(7).getBytes(StandardCharsets.UTF_8));

    assertEquals("slow", answeredBy(f));
    assertEquals(List.of("hedged fast"), metered);
  }

  @Test
  void anExchangeNobodyWaitsForAbandonsEveryRacer() {
    transport.always("fast", CompletableFuture::new);
    Exchange exchange = exchange(List.of(slow, fast), false);
    CompletableFuture<Outcome> f = chain(hedging(20, 100)).call(exchange).toCompletableFuture();
    timer.advance(Duration.ofMillis(20));
    assertEquals(List.of("slow", "fast"), transport.calls);

    exchange.abandoned().complete(null);

    assertTrue(transport.sentTo("slow").get(0).isCancelled());
    assertTrue(transport.sentTo("fast").get(0).isCancelled());
    assertTrue(f.isDone());
    assertTrue(f.join().failure().interrupted(), "ends as abandoned, nobody's failure");
    assertEquals(0, slow.failures() + fast.failures());
  }
}
