package dev.rpcshield.upstream.chain;

import static dev.rpcshield.upstream.chain.ScriptedTransport.err;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.testing.ManualTimer;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.Deadline;
import dev.rpcshield.upstream.ErrorClassifier;
import dev.rpcshield.upstream.TestUpstreams;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamsConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Consensus over the real retry link and attempt, on a scripted transport: which upstreams are
 * asked, what the client gets, and who is counted as having disagreed.
 */
class ConsensusLinkTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
  private final ManualTimer timer = new ManualTimer(clock);
  private final ScriptedTransport transport = new ScriptedTransport();
  private final List<Exchange> others = new ArrayList<>();
  private final Map<String, Upstream> upstreams =
      Map.of("a", upstream("a"), "b", upstream("b"), "c", upstream("c"), "d", upstream("d"));

  private Upstream upstream(String name) {
    return TestUpstreams.upstream(name, clock, Duration.ofSeconds(5), 0, 10, 10);
  }

  private UpstreamCall chain(int ask, int agree) {
    UpstreamCall retried =
        new RetryLink(
            new AttemptLink(
                transport,
                new ErrorClassifier(Set.of(-32005), List.of()),
                new UpstreamsConfig.Integrity(true, true, true),
                clock,
                (upstream, method, outcome, millis) -> {}),
            timer,
            Duration.ofMillis(10),
            Duration.ofMillis(10),
            n -> n);
    return new ConsensusLink(
        exchange -> {
          others.add(exchange);
          return CompletableFuture.completedFuture(
              Outcome.failed(
                  exchange.calls(),
                  dev.rpcshield.jsonrpc.RpcError.of(
                      RpcErrorCode.NO_UPSTREAM, "not under consensus")));
        },
        retried,
        new UpstreamsConfig.Consensus(Set.of("eth_call"), ask, agree));
  }

  private CompletableFuture<Outcome> send(UpstreamCall chain, String method, String... order) {
    List<Upstream> route = new ArrayList<>();
    for (String name : order) {
      route.add(upstreams.get(name));
    }
    Exchange exchange =
        Exchange.of(
                List.of(RpcCall.of(method, "[]")),
                Deadline.after(clock, Duration.ofSeconds(5)),
                null,
                null)
            .routed(new Exchange.Route("{}".getBytes(), new long[] {7}, false, false, route));
    return chain.call(exchange).toCompletableFuture();
  }

  private static String result(String json) {
    return "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":" + json + "}";
  }

  private static String body(CompletableFuture<Outcome> f) {
    assertTrue(f.isDone(), "decided");
    CallResult r = f.join().results().get(0);
    byte[] bytes = r instanceof CallResult.Answer a ? a.body() : ((CallResult.Failure) r).body();
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private long disagreements(String name) {
    return upstreams.get(name).disagreements();
  }

  @Test
  void twoHonestUpstreamsOutvoteALiarFirstInLineAndOnlyTheLiarIsCounted() {
    List<String> told = new ArrayList<>();
    upstreams.get("a").onDisagreement(told::add);
    transport.answers("a", result("\"0x999\""));
    transport.answers("b", result("\"0x1\""));
    transport.answers("c", result("\"0x1\""));
    CompletableFuture<Outcome> f = send(chain(3, 2), "eth_call", "a", "b", "c");
    assertEquals(List.of("a", "b", "c"), transport.calls, "all three asked");
    assertTrue(f.join().answered());
    assertTrue(body(f).contains("\"0x1\""), body(f));
    assertEquals(1, disagreements("a"));
    assertEquals(0, disagreements("b"));
    assertEquals(0, disagreements("c"));
    assertEquals(List.of("eth_call"), told);
  }

  @Test
  void answersEqualAsJsonAgreeWhateverTheirKeyOrderAndSpacing() {
    transport.answers("a", result("{\"to\":\"0x1\",\"gas\":\"0x5\"}"));
    transport.answers("b", result("{ \"gas\": \"0x5\", \"to\": \"0x1\" }"));
    CompletableFuture<Outcome> f = send(chain(2, 2), "eth_call", "a", "b");
    assertTrue(f.join().answered(), body(f));
    assertEquals(0, disagreements("a") + disagreements("b"));
  }

  @Test
  void whenNoResultHasItsVotesTheClientGetsUpstreamsDisagreeAndNoneOfTheAnswers() {
    transport.answers("a", result("\"0xaaa\""));
    transport.answers("b", result("\"0xbbb\""));
    transport.answers("c", result("\"0xccc\""));
    CompletableFuture<Outcome> f = send(chain(3, 2), "eth_call", "a", "b", "c");
    CallResult.Failure failure =
        assertInstanceOf(CallResult.Failure.class, f.join().results().get(0));
    assertEquals(RpcErrorCode.UPSTREAMS_DISAGREE, failure.error().code());
    assertEquals(
        "upstreams disagree: at most 1 of 3 answers agreed, 2 needed", failure.error().message());
    assertFalse(
        body(f).contains("0xaaa") || body(f).contains("0xbbb") || body(f).contains("0xccc"));
    assertEquals(0, disagreements("a") + disagreements("b") + disagreements("c"));
  }

  @Test
  void anUpstreamThatFailsIsReplacedByTheNextInTheRoute() {
    transport.answers("a", Kind.CONNECT);
    transport.answers("b", result("\"0x1\""));
    transport.answers("c", result("\"0x1\""));
    CompletableFuture<Outcome> f = send(chain(2, 2), "eth_call", "a", "b", "c");
    assertEquals(List.of("a", "b", "c"), transport.calls);
    assertTrue(f.join().answered(), body(f));
  }

  @Test
  void aDisagreementAsksTheNextUpstreamForTheMissingVote() {
    transport.answers("a", result("\"0x999\""));
    transport.answers("b", result("\"0x1\""));
    transport.answers("c", result("\"0x1\""));
    CompletableFuture<Outcome> f = send(chain(2, 2), "eth_call", "a", "b", "c");
    assertEquals(List.of("a", "b", "c"), transport.calls);
    assertTrue(body(f).contains("\"0x1\""), body(f));
    assertEquals(1, disagreements("a"));
  }

  @Test
  void oncePeersAgreeTheCallsStillInFlightAreAbandoned() {
    transport.answers("a", result("\"0x1\""));
    transport.answers("b", result("\"0x1\""));
    transport.always("c", CompletableFuture::new);
    CompletableFuture<Outcome> f = send(chain(3, 2), "eth_call", "c", "a", "b");
    assertTrue(f.join().answered(), body(f));
    assertTrue(transport.sentTo("c").get(0).isCancelled(), "c's call was given up");
    assertEquals(0, disagreements("c"));
  }

  @Test
  void itDecidesAsSoonAsNoResultCanHaveItsVotes() {
    transport.answers("a", result("\"0xaaa\""));
    transport.answers("b", result("\"0xbbb\""));
    transport.always("c", CompletableFuture::new);
    CompletableFuture<Outcome> f = send(chain(3, 3), "eth_call", "c", "a", "b");
    CallResult.Failure failure =
        assertInstanceOf(CallResult.Failure.class, f.join().results().get(0));
    assertEquals(RpcErrorCode.UPSTREAMS_DISAGREE, failure.error().code());
    assertTrue(transport.sentTo("c").get(0).isCancelled(), "c was not waited for");
  }

  @Test
  void aProviderErrorIsNoVoteAndAnUpstreamOutOfServiceIsNotAsked() {
    upstreams.get("a").breaker().open();
    transport.answers("b", err(7, -32005, "rate limited"));
    transport.answers("c", result("\"0x1\""));
    transport.answers("d", result("\"0x1\""));
    CompletableFuture<Outcome> f = send(chain(2, 2), "eth_call", "a", "b", "c", "d");
    assertEquals(List.of("b", "c", "d"), transport.calls);
    assertTrue(f.join().answered(), body(f));
    assertEquals(0, disagreements("b"));
  }

  @Test
  void theSameChainErrorFromEnoughUpstreamsIsTheAnswer() {
    transport.answers("a", err(7, 3, "execution reverted"));
    transport.answers("b", err(7, 3, "execution reverted"));
    CompletableFuture<Outcome> f = send(chain(2, 2), "eth_call", "a", "b");
    CallResult.Answer a = assertInstanceOf(CallResult.Answer.class, f.join().results().get(0));
    assertTrue(a.chainError());
    assertTrue(body(f).contains("execution reverted"), body(f));
  }

  @Test
  void whenNoUpstreamAnswersTheClientIsToldWhatEachDid() {
    transport.answers("a", Kind.CONNECT);
    transport.answers("b", Kind.TIMEOUT);
    CompletableFuture<Outcome> f = send(chain(2, 1), "eth_call", "a", "b");
    CallResult.Failure failure =
        assertInstanceOf(CallResult.Failure.class, f.join().results().get(0));
    assertEquals(RpcErrorCode.UPSTREAM_TIMEOUT, failure.error().code());
    assertTrue(failure.error().message().contains("a: connect"), failure.error().message());
    assertTrue(failure.error().message().contains("b: timeout"), failure.error().message());
  }

  @Test
  void onceTooFewUpstreamsAreLeftToAgreeNoMoreAreAsked() {
    transport.answers("a", Kind.CONNECT);
    transport.answers("b", Kind.CONNECT);
    CompletableFuture<Outcome> f = send(chain(2, 2), "eth_call", "a", "b", "c");
    assertEquals(List.of("a", "b"), transport.calls, "c alone could not agree with anyone");
    CallResult.Failure failure =
        assertInstanceOf(CallResult.Failure.class, f.join().results().get(0));
    assertEquals(RpcErrorCode.NO_UPSTREAM, failure.error().code());
    assertEquals(
        "no upstream available: a: connect; b: connect; too few upstreams left to agree",
        failure.error().message());
  }

  @Test
  void callsNotUnderConsensusGoOnAsTheyCame() {
    send(chain(3, 2), "eth_getBalance", "a", "b", "c");
    assertEquals(1, others.size());
    assertEquals(List.of(), transport.calls);
  }
}
