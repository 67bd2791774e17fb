package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway of two networks of its own: {@code a} (chain 31337, one node behind relay a1) and
 * {@code b} (chain 8453, nodes b1 and b2 and b4, a relay to b1's node, in round robin, b1 and b3
 * its WebSocket upstreams, host {@code b.rpc.example}). Node b2 starts on chain 31337, the wrong
 * one, and is restarted on the right chain by the test that needs it fixed.
 */
class NetworksIT {
  private static final String CHAIN_ID =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
  private static final String BALANCE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\","
          + "\"params\":[\"0x000000000000000000000000000000000000dEaD\",\"latest\"]}";
  private static final Anvil A1 = new Anvil(18641, 31337);
  private static final Anvil B1 = new Anvil(18642, 8453);
  private static final Anvil B2_WRONG = new Anvil(18643, 31337);
  private static final Anvil B2_FIXED = new Anvil(18643, 8453);
  private static final Anvil B3 = new Anvil(18644, 8453);
  private static final LibertyServer SERVER = new LibertyServer("rpcshieldNetworks", 18553);
  private static final Gateway GATEWAY = Gateway.at(SERVER.uri());
  private static final Admin ADMIN = new Admin(GATEWAY);
  private static ChaosProxy relay;
  private static ChaosProxy a1;

  @BeforeAll
  static void start() {
    A1.start();
    B1.start();
    B2_WRONG.start();
    B3.start();
    relay = new ChaosProxy("b4", 18625, URI.create(B1.url()));
    a1 = new ChaosProxy("a1", 18626, URI.create(A1.url()));
    SERVER.start(
        List.of(
            "HTTP_HOST=127.0.0.1",
            "RPCSHIELD_NETWORKS=a,b",
            "RPCSHIELD_NETWORK_A_CHAIN_ID=31337",
            "RPCSHIELD_NETWORK_A_UPSTREAMS=a1=http://127.0.0.1:18626",
            "RPCSHIELD_NETWORK_B_CHAIN_ID=0x2105",
            "RPCSHIELD_NETWORK_B_UPSTREAMS=b1="
                + B1.url()
                + ",b2="
                + B2_WRONG.url()
                + ",b4=http://127.0.0.1:18625",
            "RPCSHIELD_NETWORK_B_GROUP_DEFAULT_STRATEGY=round-robin",
            "RPCSHIELD_NETWORK_B_UPSTREAMS_WS=bw1=ws://127.0.0.1:18642,bw3=ws://127.0.0.1:18644",
            "RPCSHIELD_NETWORK_B_HOSTS=b.rpc.example",
            "RPCSHIELD_UPSTREAM_CHAIN_CHECK_INTERVAL=300ms",
            "RPCSHIELD_UPSTREAM_HEAD_POLL_INTERVAL=200ms",
            "RPCSHIELD_UPSTREAM_PROBE_INTERVAL=200ms",
            "RPCSHIELD_UPSTREAM_OUT_OF_SERVICE=1s",
            "RPCSHIELD_UPSTREAM_TIMEOUT=2s",
            // A retry's pause (100-200 ms) leaves a loaded machine time for the chain check.
            "RPCSHIELD_UPSTREAM_BACKOFF=200ms",
            "RPCSHIELD_UPSTREAM_WS_TIMEOUT=2s",
            "RPCSHIELD_ADMIN_TOKEN=" + Admin.TOKEN,
            "RPCSHIELD_ANONYMOUS_RPS=100000",
            "RPCSHIELD_SENDER_LIMIT=0",
            // These tests count what reaches each node; eth_chainId would be answered from cache.
            "RPCSHIELD_CACHE_ENABLED=false"));
  }

  @AfterAll
  static void stop() {
    SERVER.stop();
    relay.close();
    a1.close();
    for (Anvil node : List.of(A1, B1, B2_WRONG, B2_FIXED, B3)) {
      node.close();
    }
  }

  private static JsonNode upstream(String name) {
    JsonNode u = ADMIN.upstream(name);
    if (u == null) {
      throw new AssertionError("no upstream " + name);
    }
    return u;
  }

  private static long requestsTo(String name) {
    return upstream(name).get("requests").asLong();
  }

  @Test
  void eachNetworkIsServedByItsOwnNodesOnly() {
    assertEquals("0x7a69", GATEWAY.postTo("/a", CHAIN_ID).json().get("result").asText());
    for (int i = 0; i < 6; i++) {
      Gateway.Response r = GATEWAY.postTo("/b", CHAIN_ID);
      assertEquals(200, r.status(), r.body());
      assertEquals("0x2105", r.json().get("result").asText(), "round robin over b: " + r.body());
    }
    assertEquals(
        "0x7a69",
        GATEWAY.post(CHAIN_ID).json().get("result").asText(),
        "/ serves the first network");
  }

  @Test
  void anUnknownNetworkIsAJsonRpcErrorThatNamesNothingSecret() {
    Gateway.Response r = GATEWAY.postTo("/sepolia", CHAIN_ID);
    assertEquals(404, r.status());
    assertEquals(-32600, r.json().get("error").get("code").asInt(), r.body());
    String message = r.json().get("error").get("message").asText();
    assertTrue(message.contains("no network named 'sepolia'"), message);
    assertFalse(r.body().contains("127.0.0.1") || r.body().contains("1863"), r.body());
    assertEquals(404, GATEWAY.postTo("/sepolia/v1/somekey", CHAIN_ID).status());
  }

  @Test
  void aHostNameAddressesItsNetwork() throws IOException {
    assertTrue(rawPost("b.rpc.example", "/").contains("\"0x2105\""));
    assertTrue(rawPost("B.RPC.example:18553", "/").contains("\"0x2105\""), "case and port");
    assertTrue(rawPost("other.example", "/").contains("\"0x7a69\""), "else the default network");
    assertTrue(rawPost("b.rpc.example", "/a").contains("\"0x7a69\""), "a path's network wins");
  }

  /** A POST of eth_chainId with the given Host header, which java.net.http does not let us set. */
  private static String rawPost(String host, String path) throws IOException {
    byte[] body = CHAIN_ID.getBytes(StandardCharsets.UTF_8);
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", 18553)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + body.length
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      return answer.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void anUpstreamOnTheWrongChainNeverServesAndComesBackOnceFixed() throws Exception {
    Eventually.within(Duration.ofSeconds(5), "b2's chain checked")
        .until(() -> upstream("b2").get("seenChainId").asLong() > 0);
    JsonNode b2 = upstream("b2");
    assertEquals("WRONG_CHAIN", b2.get("state").asText(), b2.toString());
    assertEquals(8453, b2.get("chainId").asLong());
    assertEquals(31337, b2.get("seenChainId").asLong());
    assertEquals("b", b2.get("network").asText());
    long before = requestsTo("b2");
    for (int i = 0; i < 6; i++) {
      assertEquals("0x2105", GATEWAY.postTo("/b", CHAIN_ID).json().get("result").asText());
    }
    assertEquals(before, requestsTo("b2"), "no request reached the wrong chain's node");

    JsonNode ready = GATEWAY.ops("/health/ready").json();
    String detail = ready.toString();
    assertTrue(detail.contains("WRONG_CHAIN,chain=31337,expected=8453"), detail);
    assertEquals("UP", ready.get("status").asText(), "the other upstreams still serve");
    String metrics = GATEWAY.ops("/metrics?scope=application").body();
    assertTrue(
        metrics
            .lines()
            .anyMatch(l ->
                l.startsWith("rpcshield_upstream_wrong_chain")
                    && l.contains("upstream=\"b2\"")
                    && l.contains("network=\"b\"")
                    && l.endsWith(" 1.0")),
        metrics);

    B2_WRONG.kill();
    B2_FIXED.start();
    Eventually.within(Duration.ofSeconds(10), "b2 back on chain 8453")
        .until(() -> upstream("b2").get("state").asText().equals("CLOSED"));
    long fixed = requestsTo("b2");
    for (int i = 0; i < 6; i++) {
      assertEquals("0x2105", GATEWAY.postTo("/b", CHAIN_ID).json().get("result").asText());
    }
    assertTrue(requestsTo("b2") > fixed, "the fixed node takes its share of round robin");
  }

  /**
   * b4's node breaks its connection mid-answer and is back at once as a node of chain 31337 (its
   * relay now reaches network a's node), as a quick restart onto the wrong chain looks from here:
   * b4 serves nothing until a head poll has seen its chain, so no answer of chain 31337 reaches a
   * client of network b, even before the chain check (every 300 ms here) would have caught it.
   */
  @Test
  void anUpstreamWhoseConnectionBrokeServesOnlyOnceItsChainIsSeenAgain() {
    Eventually.within(Duration.ofSeconds(5), "b4 in rotation")
        .until(() -> upstream("b4").get("inRotation").asBoolean());
    long failures = upstream("b4").get("failures").asLong();
    relay.mode(ChaosProxy.Mode.RESET);
    try {
      Eventually.within(Duration.ofSeconds(5), "b4's connection broke")
          .until(() -> {
            assertEquals("0x2105", GATEWAY.postTo("/b", CHAIN_ID).json().get("result").asText());
            JsonNode b4 = upstream("b4");
            return !b4.get("inRotation").asBoolean() || b4.get("failures").asLong() > failures;
          });
      relay.retarget(URI.create(A1.url()));
      relay.mode(ChaosProxy.Mode.FORWARD);
      for (int i = 0; i < 40; i++) {
        Gateway.Response r = GATEWAY.postTo("/b", CHAIN_ID);
        assertEquals("0x2105", r.json().get("result").asText(), "request " + i + ": " + r.body());
      }
      Eventually.within(Duration.ofSeconds(2), "b4 found on chain 31337")
          .until(() -> upstream("b4").get("state").asText().equals("WRONG_CHAIN"));
    } finally {
      relay.mode(ChaosProxy.Mode.FORWARD);
      relay.retarget(URI.create(B1.url()));
    }
    Eventually.within(Duration.ofSeconds(5), "b4 back on chain 8453")
        .until(() -> upstream("b4").get("state").asText().equals("CLOSED"));
  }

  /**
   * a1's relay resets the connection of the next call, as a node does to a kept-alive connection it
   * has dropped: network a has no other upstream, so the call is answered only because a1's chain,
   * asked at once, is seen again within the retry's pause, and a1 is in rotation again at once.
   */
  @Test
  void aResetOnTheOnlyUpstreamOfANetworkIsRetriedOnItOnceItsChainIsSeenAgain() {
    Eventually.within(Duration.ofSeconds(5), "a1 in rotation")
        .until(() -> upstream("a1").get("inRotation").asBoolean());
    long failures = upstream("a1").get("failures").asLong();
    a1.resetNextCall();
    Gateway.Response r = GATEWAY.postTo("/a", BALANCE);
    assertEquals(200, r.status(), r.body());
    assertTrue(r.json().has("result"), r.body());
    JsonNode after = upstream("a1");
    assertEquals(failures + 1, after.get("failures").asLong(), "the reset was seen: " + after);
  }

  @Test
  void aTransactionSignedForAnotherChainIsRefusedBeforeAnyUpstream() {
    String forA = DevAccounts.transferOnChain(DevAccounts.ALICE, 31337);
    long before = requestsTo("b1") + requestsTo("b2");
    Gateway.Response r =
        GATEWAY.postTo(
            "/b",
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"eth_sendRawTransaction\",\"params\":[\""
                + forA
                + "\"]}");
    assertEquals(-32602, r.json().get("error").get("code").asInt(), r.body());
    assertEquals(before, requestsTo("b1") + requestsTo("b2"), "never forwarded");

    Gateway.Response onA =
        GATEWAY.postTo(
            "/a",
            "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"eth_sendRawTransaction\",\"params\":[\""
                + forA
                + "\"]}");
    assertTrue(onA.json().has("result"), "the same transaction is network a's: " + onA.body());
    assertEquals(
        onA.json().get("result"),
        Gateway.direct(A1).receipt(onA.json().get("result").asText()).get("transactionHash"));
  }

  @Test
  void oneKeyServesEveryNetworkFromOneBudget() {
    String account = ADMIN.account("{\"name\":\"it-networks\",\"overrides\":{\"monthlyCu\":50}}");
    String key = ADMIN.key(account).get("key").asText();
    assertEquals(200, GATEWAY.postTo("/a/v1/" + key, BALANCE).status());
    assertEquals(200, GATEWAY.postTo("/b/v1/" + key, BALANCE).status());
    Gateway.Response over = GATEWAY.postTo("/b/v1/" + key, BALANCE);
    assertEquals(429, over.status(), "40 of 50 units spent on two networks: " + over.body());
    JsonNode usage = ADMIN.call("GET", "/accounts/" + account + "/usage", null).json();
    assertEquals(40, usage.get("computeUnits").asLong(), usage.toString());
    assertEquals(20, usage.get("networks").get("a").get("computeUnits").asLong(), usage.toString());
    assertEquals(20, usage.get("networks").get("b").get("computeUnits").asLong(), usage.toString());
    assertEquals(1, usage.get("networks").get("b").get("refusals").asLong(), usage.toString());
  }

  @Test
  void anAccountLimitedToSomeNetworksIsRefusedOnTheOthers() {
    String account = ADMIN.account("{\"name\":\"it-only-b\",\"networks\":[\"b\"]}");
    String key = ADMIN.key(account).get("key").asText();
    assertEquals(200, GATEWAY.postTo("/b/v1/" + key, CHAIN_ID).status());
    Gateway.Response refused = GATEWAY.postTo("/a/v1/" + key, CHAIN_ID);
    assertEquals(403, refused.status(), refused.body());
    assertTrue(refused.body().contains("may not call network 'a'"), refused.body());
    assertEquals(
        403, GATEWAY.post(CHAIN_ID, "X-API-Key", key).status(), "/ is network a, the default");

    Gateway.Response bad =
        ADMIN.call("PATCH", "/accounts/" + account, "{\"networks\":[\"sepolia\"]}");
    assertEquals(400, bad.status(), bad.body());
    assertEquals("networks", bad.json().get("field").asText());
    assertEquals(200, ADMIN.call("PATCH", "/accounts/" + account, "{\"networks\":null}").status());
    Eventually.within(Duration.ofSeconds(3), "every network allowed again")
        .until(() -> GATEWAY.postTo("/a/v1/" + key, CHAIN_ID).status() == 200);
  }

  @Test
  void subscriptionsOnANetworkCarryItsBlocksAndSurviveItsUpstreamFailover() {
    try (Socket ws = new Socket(18553, "/b")) {
      JsonNode subscribed =
          ws.call(
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}");
      String id = subscribed.get("result").asText();
      Gateway.direct(A1).call("anvil_mine", "[\"0x1\"]");
      Gateway.direct(B1).call("anvil_mine", "[\"0x1\"]");
      JsonNode head = ws.next(10);
      assertEquals(id, head.get("params").get("subscription").asText());
      assertEquals(
          Gateway.direct(B1).call("eth_getBlockByNumber", "[\"latest\",false]").get("hash"),
          head.get("params").get("result").get("hash"),
          "b's block, not a's");

      B1.kill();
      Eventually.within(Duration.ofSeconds(20), "a head from b3 after b1 went away")
          .ignoreExceptions()
          .until(() -> {
            Gateway.direct(B3).call("anvil_mine", "[\"0x1\"]");
            JsonNode next = ws.next(2);
            return id.equals(next.get("params").get("subscription").asText())
                && next.get("params")
                    .get("result")
                    .get("hash")
                    .equals(
                        Gateway.direct(B3)
                            .call(
                                "eth_getBlockByNumber",
                                "[\""
                                    + next.get("params").get("result").get("number").asText()
                                    + "\",false]")
                            .get("hash"));
          });
    } finally {
      B1.start();
    }
  }
}
