package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The head poll against a scripted upstream: what it records, the chain it checks with every poll,
 * and its wait counted toward the upstream's silence.
 */
class HeadPollerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T00:00:00Z"));
  private final HeadTracker tracker = new HeadTracker(clock, 5, 2, 2, Duration.ofSeconds(60));

  /** Scripted answers: a body, a failure kind, or a wait that ends in a timeout. */
  private final Deque<Object> script = new ArrayDeque<>();

  private final List<byte[]> asked = new ArrayList<>();

  private final UpstreamTransport transport =
      (upstream, payload, timeout, clientIp, traceparent, submission) -> {
        asked.add(payload);
        Object next = script.poll();
        if (next instanceof Duration wait) {
          clock.advance(wait);
          return CompletableFuture.failedFuture(new UpstreamException(Kind.TIMEOUT, "timed out"));
        }
        if (next instanceof Kind k) {
          return CompletableFuture.failedFuture(new UpstreamException(k, k.name().toLowerCase()));
        }
        return CompletableFuture.completedFuture(((String) next).getBytes(StandardCharsets.UTF_8));
      };

  private final HeadPoller poller = new HeadPoller(transport, tracker, clock);

  private Upstream upstream(long chainId) {
    return new Upstream(
        UpstreamSettings.of("u", URI.create("http://127.0.0.1:1")),
        new CircuitBreaker(clock, 3, Duration.ofSeconds(10)),
        clock,
        chainId);
  }

  private static String answer(long head, long chain) {
    String heads =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x"
            + Long.toHexString(head)
            + "\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"number\":\"0x"
            + Long.toHexString(Math.max(0, head - 32))
            + "\"}},{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"number\":\"0x"
            + Long.toHexString(Math.max(0, head - 64))
            + "\"}}";
    return chain < 0
        ? "[" + heads + "]"
        : "["
            + heads
            + ",{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":\"0x"
            + Long.toHexString(chain)
            + "\"}]";
  }

  @Test
  void aPollThatWaitsOnAFrozenUpstreamCountsAsItsSilence() {
    Upstream u = upstream(0);
    u.recordAttempt(20, false);
    script.add(Duration.ofSeconds(2));
    poller.poll(u);
    assertEquals(Duration.ofSeconds(2), u.silentFor());
    assertTrue(u.stalled(Duration.ofMillis(1500)), "stalled with no request waiting on it");
    script.add(answer(100, -1));
    poller.poll(u);
    assertEquals(Duration.ZERO, u.silentFor(), "its answer ends the silence");
  }

  @Test
  void everyPollOfAnUpstreamWithAChainIdAsksItsChain() {
    Upstream u = upstream(8453);
    List<String> turned = new ArrayList<>();
    u.onChainTurned(() -> turned.add(u.name()));
    script.add(answer(461, 8453));
    poller.pollAll(List.of(u), Runnable::run);
    assertArrayEquals(HeadPoller.POLL_WITH_CHAIN, asked.get(0));
    assertTrue(u.breaker().inRotation(), "seen on its chain by the poll");
    assertEquals(461, u.head().latest());

    script.add(answer(0, 31337));
    poller.pollAll(List.of(u), Runnable::run);
    assertEquals(CircuitBreaker.Chain.WRONG_CHAIN, u.breaker().chain());
    assertFalse(u.breaker().inRotation());
    assertEquals(List.of("u"), turned, "found on another chain after serving on its own");

    script.add(answer(3, 31337));
    poller.pollAll(List.of(u), Runnable::run);
    assertEquals(List.of("u"), turned, "told once");
    script.add(answer(470, 8453));
    poller.pollAll(List.of(u), Runnable::run);
    assertTrue(u.breaker().inRotation(), "back within one poll once on its chain again");
    assertEquals(4, asked.size(), "polled while out for its chain");
  }

  @Test
  void anUpstreamThatNeverServedOnItsChainIsNotToldAsTurned() {
    Upstream u = upstream(8453);
    List<String> turned = new ArrayList<>();
    u.onChainTurned(() -> turned.add(u.name()));
    script.add(answer(5, 1));
    poller.poll(u);
    assertEquals(CircuitBreaker.Chain.WRONG_CHAIN, u.breaker().chain());
    assertEquals(List.of(), turned);
  }

  @Test
  void aHeadThatWentBackWithoutItsChainShownTakesItOutUntilTheChainIsSeen() {
    Upstream u = upstream(8453);
    script.add(answer(461, 8453));
    poller.poll(u);
    script.add(answer(0, -1));
    poller.poll(u);
    assertEquals(CircuitBreaker.Chain.UNVERIFIED, u.breaker().chain());
    assertFalse(u.breaker().inRotation());
    assertTrue(u.breaker().lastFailure().contains("head went back from 461 to 0"));
    script.add(answer(1, 8453));
    poller.poll(u);
    assertTrue(u.breaker().inRotation());
  }

  @Test
  void aRefusedConnectionTakesItOutUntilAPollHasSeenItsChain() {
    Upstream u = upstream(8453);
    script.add(answer(461, 8453));
    poller.poll(u);
    script.add(Kind.CONNECT);
    poller.pollAll(List.of(u), Runnable::run);
    assertFalse(u.breaker().inRotation(), "it may come back as another process");
    script.add(answer(462, 8453));
    poller.pollAll(List.of(u), Runnable::run);
    assertTrue(u.breaker().inRotation());
  }

  @Test
  void anUpstreamOfANetworkWithoutAChainIdIsPolledForItsHeadsOnly() {
    Upstream u = upstream(0);
    script.add(answer(7, -1));
    script.add(Kind.CONNECT);
    poller.poll(u);
    poller.poll(u);
    assertArrayEquals(HeadPoller.POLL, asked.get(0));
    assertTrue(u.breaker().inRotation());
  }

  @Test
  void aPollTheGatewayInterruptsLeavesAVerifiedUpstreamServing() throws Exception {
    Upstream u = upstream(8453);
    script.add(answer(461, 8453));
    poller.poll(u);
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        HttpUpstreamTransport http = new HttpUpstreamTransport(Duration.ofSeconds(2), 1 << 20)) {
      Upstream real =
          new Upstream(
              UpstreamSettings.of(
                  "u", URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/")),
              u.breaker(),
              clock,
              8453);
      Thread.currentThread().interrupt();
      try {
        new HeadPoller(http, tracker, clock).poll(real);
      } finally {
        Thread.interrupted();
      }
    }
    assertEquals(CircuitBreaker.Chain.VERIFIED, u.breaker().chain());
    assertTrue(u.breaker().inRotation(), "its own cancelled wait says nothing of the upstream");
  }

  @Test
  void aBrokenConnectionAsksItsChainOnceAndAChainSeenRightBringsItBack() {
    Upstream u = upstream(8453);
    List<String> asks = new ArrayList<>();
    u.onChainDoubted(() -> asks.add("eth_chainId"));
    script.add(answer(461, 8453));
    poller.poll(u);
    script.add(Kind.IO);
    poller.poll(u);
    assertEquals(List.of("eth_chainId"), asks, "asked at once");
    assertFalse(u.breaker().inRotation(), "not before its chain is seen");
    script.add(Kind.CONNECT);
    poller.poll(u);
    assertEquals(1, asks.size(), "asked once while its chain is in doubt");
    u.chainSeen(8453);
    assertTrue(u.breaker().inRotation(), "back with the answer, before the next poll");
  }

  @Test
  void aHeadOnAnotherChainIsNeverRecordedNorServedWhenItsChainIsRightAgain() {
    Upstream u = upstream(8453);
    script.add(answer(461, 8453));
    poller.poll(u);
    script.add(answer(9000, 31337));
    poller.pollAll(List.of(u), Runnable::run);
    assertEquals(CircuitBreaker.Chain.WRONG_CHAIN, u.breaker().chain());
    assertTrue(u.head().latest() < 9000, "head " + u.head().latest());

    u.chainSeen(8453);
    assertTrue(u.breaker().inRotation(), "the chain check brings it back");
    assertTrue(tracker.bestHead(List.of(u)) < 9000, "best " + tracker.bestHead(List.of(u)));
    assertTrue(u.head().finalized() < 9000 - 64, "finalized " + u.head().finalized());
  }

  @Test
  void headsRecordedBeforeItWasFoundOnAnotherChainAreForgotten() {
    Upstream u = upstream(8453);
    script.add(answer(461, 8453));
    poller.poll(u);
    script.add(answer(9000, -1));
    poller.poll(u);
    u.chainSeen(31337);
    script.add(answer(9001, -1));
    poller.poll(u);
    u.chainSeen(8453);
    assertTrue(u.breaker().inRotation());
    assertEquals(-1, tracker.bestHead(List.of(u)), "no head until a poll on its chain");
    assertEquals(-1, u.head().finalized());
    assertEquals(-1, u.head().safe());
  }

  @Test
  void anUpstreamBackOnItsChainRejoinsWithThatPollsHead() {
    Upstream u = upstream(8453);
    script.add(answer(9000, 31337));
    poller.poll(u);
    List<Long> headWhenBack = new ArrayList<>();
    u.breaker()
        .listen((from, to, reason) -> {
          if (to.equals("CLOSED")) {
            headWhenBack.add(u.head().latest());
          }
        });
    script.add(answer(470, 8453));
    poller.poll(u);
    assertEquals(List.of(470L), headWhenBack);
  }
}
