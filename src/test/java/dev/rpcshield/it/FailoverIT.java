package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.it.ChaosProxy.Mode;
import dev.rpcshield.testing.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Upstream faults through a running gateway: p1 (first in the default group) misbehaves, p2 is
 * healthy; both front the same anvil node, so any answer is the right answer.
 */
class FailoverIT extends ItBase {
  private static final String BLOCK_NUMBER =
      "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"eth_blockNumber\",\"params\":[]}";
  private static final String BATCH =
      "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]},"
          + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_blockNumber\",\"params\":[]}]";

  @BeforeEach
  void p1InRotation() {
    awaitInRotation(net.p1);
  }

  @AfterEach
  void healAfter() {
    net.heal();
  }

  /**
   * Sends requests until p1 (first in failover order) is in rotation again and has served one: its
   * relay's count alone cannot tell, since head polls reach an upstream that is out too.
   */
  private void awaitInRotation(ChaosProxy proxy) {
    int seen = proxy.requests();
    Eventually.within(Duration.ofSeconds(15), proxy.name() + " comes back into rotation")
        .until(() -> {
          gateway.post(BLOCK_NUMBER);
          return proxy.requests() > seen
              && new Admin(gateway).upstream(proxy.name()).get("inRotation").asBoolean();
        });
    net.heal();
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {
        "DOWN",
        "HANG",
        "RESET",
        "STATUS_500",
        "STATUS_429",
        "STATUS_502",
        "GARBAGE",
        "EMPTY",
        "WRONG_IDS",
        "RATE_LIMIT_ERROR"
      })
  void oneFaultyUpstreamCausesNoClientVisibleError(Mode fault) {
    net.p1.mode(fault);
    for (int i = 0; i < 200; i++) {
      boolean batch = i % 4 == 3;
      Gateway.Response r = gateway.post(batch ? BATCH : BLOCK_NUMBER);
      assertEquals(200, r.status(), fault + " request " + i + ": " + r.body());
      JsonNode json = r.json();
      if (batch) {
        assertEquals(2, json.size(), r.body());
        assertEquals("0x7a69", json.get(0).get("result").asText(), r.body());
        assertEquals(2, json.get(1).get("id").asInt());
        assertTrue(json.get(1).has("result"), r.body());
      } else {
        assertTrue(json.has("result"), fault + " request " + i + ": " + r.body());
        assertEquals(7, json.get("id").asInt());
      }
    }
    assertTrue(
        net.p2.requests() >= 200,
        fault
            + ": p2 served the traffic, it saw "
            + net.p2.requests()
            + ", p1 saw "
            + net.p1.requests());
  }

  @Test
  void failingUpstreamLeavesRotationAndReturnsAfterAProbe() {
    net.p1.mode(Mode.STATUS_502);
    for (int i = 0; i < 20; i++) {
      gateway.post(BLOCK_NUMBER);
    }
    assertTrue(
        net.p1.requests() <= 6,
        "p1 left rotation after consecutive failures, it saw " + net.p1.requests());
    net.p1.mode(Mode.FORWARD);
    awaitInRotation(net.p1);
  }

  @Test
  void everyUpstreamFailingGivesNoUpstreamAvailableWithReasons() {
    net.p1.mode(Mode.STATUS_502);
    net.p2.mode(Mode.GARBAGE);
    Instant start = Instant.now();
    Gateway.Response r = gateway.post(BLOCK_NUMBER);
    assertEquals(503, r.status(), r.body());
    JsonNode error = r.json().get("error");
    assertEquals(-32011, error.get("code").asInt());
    String message = error.get("message").asText();
    assertTrue(message.contains("p1: HTTP 502") && message.contains("p2: "), message);
    assertFalse(message.contains("127.0.0.1"), "no upstream URL leaks: " + message);
    assertEquals(7, r.json().get("id").asInt());
    assertTrue(
        Duration.between(start, Instant.now()).compareTo(Duration.ofSeconds(3)) < 0,
        "answered without waiting for the request deadline");
  }

  /** p1's entry in the admin API's upstream list. */
  private JsonNode p1State() {
    JsonNode p1 = new Admin(gateway).upstream("p1");
    if (p1 == null) {
      throw new AssertionError("p1 is not in the admin API's upstream list");
    }
    return p1;
  }

  @Test
  void aStalledUpstreamIsHedgedAroundAndLeavesRotationWithinTwoSeconds() {
    String hedgesToP2 = "rpcshield_hedges_total\\{[^}]*upstream=\"p2\"[^}]*\\}";
    String winsOfP2 = "rpcshield_hedge_wins_total\\{[^}]*upstream=\"p2\"[^}]*\\}";
    double hedgedBefore = gateway.metricSum(hedgesToP2);
    double wonBefore = gateway.metricSum(winsOfP2);
    net.p1.mode(Mode.HANG);
    long stalledAt = System.nanoTime();
    long slowest = 0;
    long outAfter = -1;
    for (int i = 0; i < 40; i++) {
      long sent = System.nanoTime();
      Gateway.Response r = gateway.post(BLOCK_NUMBER);
      slowest = Math.max(slowest, (System.nanoTime() - sent) / 1_000_000);
      assertEquals(200, r.status(), "request " + i + ": " + r.body());
      assertTrue(r.json().has("result"), "request " + i + ": " + r.body());
      if (outAfter < 0 && !p1State().get("inRotation").asBoolean()) {
        outAfter = (System.nanoTime() - stalledAt) / 1_000_000;
      }
    }
    assertTrue(
        slowest < 1_000,
        "the slowest answer beside a stalled upstream took "
            + slowest
            + " ms (its timeout is 2 s)");
    assertTrue(outAfter > 0 && outAfter < 2_500, "p1 left rotation after " + outAfter + " ms");
    JsonNode p1 = p1State();
    assertTrue(p1.get("lastFailure").asText().startsWith("unresponsive"), "p1's reason: " + p1);
    long hedges =
        new Admin(gateway)
            .call("GET", "/upstreams", null).json().findValues("hedges").stream()
                .mapToLong(JsonNode::asLong)
                .sum();
    assertTrue(hedges > 0, "hedges were counted");
    double won = gateway.metricSum(winsOfP2) - wonBefore;
    assertTrue(won >= 1, "hedges to p2 that answered first: " + won);
    assertTrue(
        gateway.metricSum(hedgesToP2) - hedgedBefore >= won, "every hedge that won was sent");
    assertEquals(
        List.of(),
        MonitoringNames.missing(
            gateway.ops("/metrics").body(), name -> name.startsWith("rpcshield_hedge")),
        "hedge metrics the dashboard (k8s/monitoring) uses, missing from the scrape");
  }

  /**
   * p1 freezes (takes requests and never answers, as a node stopped with SIGSTOP) while one client
   * sends about 1.5 requests a second: each request waits on p1 only for its hedge delay, far too
   * little to add up to unresponsive-after, but the head poll waits on it too, so it leaves
   * rotation about as fast as under load.
   */
  @Test
  void aFrozenUpstreamLeavesRotationAtALowRequestRate() throws InterruptedException {
    net.p1.mode(Mode.HANG);
    long frozenAt = System.nanoTime();
    long outAfter = -1;
    for (int i = 0; i < 12 && outAfter < 0; i++) {
      Gateway.Response r = gateway.post(BLOCK_NUMBER);
      assertEquals(200, r.status(), "request " + i + ": " + r.body());
      if (!p1State().get("inRotation").asBoolean()) {
        outAfter = (System.nanoTime() - frozenAt) / 1_000_000;
      }
      // The fault is the low rate itself: one request every 650 ms.
      Thread.sleep(650);
    }
    // Out after at most a head poll interval (1 s) until a poll waits on it, unresponsive-after
    // (1.5 s) of that wait, and the next request (650 ms apart): 3.2 s, with room for a busy
    // machine. Before the poll's wait counted, p1 never left within the whole loop.
    assertTrue(outAfter > 0 && outAfter < 5_000, "p1 left rotation after " + outAfter + " ms");
    JsonNode p1 = p1State();
    assertTrue(p1.get("lastFailure").asText().startsWith("unresponsive"), "p1's reason: " + p1);
  }

  /**
   * p1 answers everything 1.8 s late (its timeout is 2 s), under four clients of steady load: taken
   * out as unresponsive, it answers its probes, slowly, and stays out (out-of-service is 1 s here,
   * so it would have been back within three) until it is fast again. No client sees an error.
   */
  @Test
  void aSlowUpstreamStaysOutWhileItsProbesAreSlowAndReturnsWhenFast() throws Exception {
    net.p1.slowMillis(1800);
    net.p1.mode(Mode.SLOW);
    AtomicInteger failed = new AtomicInteger();
    long loadEnds = System.nanoTime() + Duration.ofSeconds(25).toNanos();
    AtomicBoolean stop = new AtomicBoolean();
    try (ExecutorService load = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < 4; i++) {
        load.submit(() -> {
          while (!stop.get() && System.nanoTime() < loadEnds) {
            if (gateway.post(BLOCK_NUMBER).status() != 200) {
              failed.incrementAndGet();
            }
          }
        });
      }
      try {
        Eventually.within(Duration.ofSeconds(15), "p1 leaves rotation as unresponsive")
            .until(() -> !p1State().get("inRotation").asBoolean());
        Thread.sleep(200);
        long sent = blockNumberCalls(net.p1);
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until) {
          assertFalse(p1State().get("inRotation").asBoolean(), "p1 came back while slow");
          Thread.sleep(50);
        }
        assertEquals(
            sent, blockNumberCalls(net.p1), "no call went to p1 while it was out, only probes");
        String reason = p1State().get("lastFailure").asText();
        assertTrue(reason.startsWith("slow: its probe took "), "p1's reason: " + reason);
      } finally {
        stop.set(true);
        net.p1.slowMillis(500);
      }
    }
    assertEquals(0, failed.get(), "client-visible errors beside a slow upstream");
    net.p1.mode(Mode.FORWARD);
    awaitInRotation(net.p1);
  }

  private static long blockNumberCalls(ChaosProxy proxy) {
    return proxy.bodies().stream().filter(b -> b.contains("eth_blockNumber")).count();
  }

  @Test
  void everyUpstreamHangingGivesUpstreamTimeout() {
    net.p1.mode(Mode.HANG);
    net.p2.mode(Mode.HANG);
    Gateway.Response r = gateway.post(BLOCK_NUMBER);
    assertEquals(504, r.status(), r.body());
    assertEquals(-32015, r.json().get("error").get("code").asInt());
  }

  @Test
  void chainErrorsGoStraightBackWithoutFailover() {
    Gateway.Response r =
        gateway.post(
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_getBalance\",\"params\":[\"0xzz\",\"latest\"]}");
    assertEquals(200, r.status());
    assertTrue(r.json().has("error"), r.body());
    assertEquals(1, net.p1.requests());
    assertEquals(0, net.p2.requests(), "a chain error is not retried elsewhere");
  }

  @Test
  void transactionThatMayHaveArrivedIsNotSentElsewhere() {
    long nonce = DevAccounts.nonce(gateway, DevAccounts.BOB);
    String raw = DevAccounts.transfer(DevAccounts.BOB, nonce, 5);
    net.p1.reset();
    net.p1.mode(Mode.RESET);
    Gateway.Response r =
        gateway.post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\",\"params\":[\""
                + raw
                + "\"]}");
    assertEquals(-32011, r.json().get("error").get("code").asInt(), r.body());
    assertTrue(r.json().get("error").get("message").asText().contains("not sent elsewhere"));
    assertEquals(1, net.p1.bodies().stream().filter(b -> b.contains(raw)).count());
    assertEquals(0, net.p2.bodies().stream().filter(b -> b.contains(raw)).count());
  }

  @Test
  void transactionMovesOnWhenTheFirstUpstreamCannotHaveReceivedIt() {
    for (Mode fault : new Mode[] {Mode.DOWN, Mode.RATE_LIMIT_ERROR, Mode.STATUS_429}) {
      net.heal();
      long nonce = DevAccounts.nonce(gateway, DevAccounts.BOB);
      String raw = DevAccounts.transfer(DevAccounts.BOB, nonce, 6);
      net.p1.mode(fault);
      String hash = gateway.call("eth_sendRawTransaction", "[\"" + raw + "\"]").asText();
      assertEquals("0x1", gateway.receipt(hash).get("status").asText(), fault.toString());
      assertEquals(
          1, net.p2.bodies().stream().filter(b -> b.contains(raw)).count(), fault.toString());
      assertTrue(
          net.p1.bodies().stream().filter(b -> b.contains(raw)).count() <= 1,
          "never sent twice to one upstream");
    }
  }

  @Test
  void killingTheFirstUpstreamMidTrafficIsInvisibleToClients() throws Exception {
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger served = new AtomicInteger();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        clients.add(
            pool.submit(() -> {
              for (int i = 0; i < 100; i++) {
                Gateway.Response r = gateway.post(BLOCK_NUMBER);
                if (r.status() != 200 || !r.json().has("result")) {
                  errors.incrementAndGet();
                }
                if (served.incrementAndGet() == 120) {
                  net.p1.mode(Mode.DOWN);
                }
              }
            }));
      }
      for (Future<?> f : clients) {
        f.get();
      }
    }
    assertEquals(400, served.get());
    assertEquals(0, errors.get(), "client-visible errors after the first upstream died");
    assertTrue(net.p2.requests() > 0);
  }

  @Test
  void upstreamAtItsInFlightCapIsSkippedNotQueued() throws Exception {
    net.p1.slowMillis(1500);
    net.p1.mode(Mode.SLOW);
    try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
      List<Future<Gateway.Response>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        calls.add(pool.submit(() -> gateway.post(BLOCK_NUMBER)));
      }
      for (Future<Gateway.Response> f : calls) {
        assertEquals(200, f.get().status());
      }
    }
    assertTrue(net.p1.maxInFlight() <= 4, "p1 saw " + net.p1.maxInFlight() + " at once; cap is 4");
    assertTrue(net.p2.requests() >= 8, "the overflow went to p2: " + net.p2.requests());
  }
}
