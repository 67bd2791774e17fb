package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.Eventually;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * JSON-RPC and subscriptions over WebSocket through a running gateway. WebSocket upstreams: w1 = a
 * relay of anvil A the tests can cut, then w2 = anvil A itself (src/test/liberty/server.env).
 */
class SocketIT extends ItBase {

  @BeforeEach
  void firstWebSocketUpstreamUp() {
    net.webSocketRelay.restore();
  }

  @Test
  void callsAndBatchesAreAnsweredOnTheConnection() {
    try (Socket ws = new Socket("/")) {
      JsonNode one =
          ws.call("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"eth_chainId\",\"params\":[]}");
      assertEquals("x", one.get("id").asText());
      assertEquals("0x7a69", one.get("result").asText());
      JsonNode batch =
          ws.call(
              "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"net_version\"}]");
      assertEquals(2, batch.size());
      assertEquals("31338", batch.get(1).get("result").asText());
    }
  }

  @Test
  void everyRefusalIsAMessageAndTheConnectionStaysOpen() {
    try (Socket ws = new Socket("/?apikey=")) {
      JsonNode parse = ws.call("{not json");
      assertEquals(-32700, parse.get("error").get("code").asInt());
      assertTrue(parse.get("id").isNull());
      JsonNode denied =
          ws.call("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"debug_traceBlock\",\"params\":[]}");
      assertEquals(-32601, denied.get("error").get("code").asInt());
      assertEquals(5, denied.get("id").asInt());
      JsonNode invalid = ws.call("{\"jsonrpc\":\"2.0\",\"id\":6}");
      assertEquals(-32600, invalid.get("error").get("code").asInt());
      JsonNode ok = ws.call("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"eth_chainId\"}");
      assertEquals("0x7a69", ok.get("result").asText(), "the next good message is served");
    }
  }

  @Test
  void newHeadsReachTheSubscriberWithItsOwnSubscriptionId() {
    Gateway nodeA = Gateway.direct(net.anvilA);
    try (Socket ws = new Socket("/")) {
      JsonNode sub =
          ws.call(
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}");
      String id = sub.get("result").asText();
      assertTrue(id.matches("0x[0-9a-f]{32}"), sub.toString());
      nodeA.call("anvil_mine", "[\"0x1\"]");
      JsonNode note = ws.next(10);
      assertEquals("eth_subscription", note.get("method").asText());
      assertEquals(id, note.get("params").get("subscription").asText());
      long mined = Long.decode(note.get("params").get("result").get("number").asText());
      assertEquals(Long.decode(nodeA.call("eth_blockNumber", "[]").asText()), mined);
      JsonNode unsub =
          ws.call(
              "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_unsubscribe\",\"params\":[\""
                  + id
                  + "\"]}");
      assertTrue(unsub.get("result").asBoolean());
    }
  }

  @Test
  void subscriptionsSurviveTheDeathOfTheirUpstream() {
    Gateway nodeA = Gateway.direct(net.anvilA);
    try (Socket ws = new Socket("/");
        Socket pending = new Socket("/")) {
      String id =
          ws.call(
                  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}")
              .get("result")
              .asText();
      String pendingId =
          pending
              .call(
                  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newPendingTransactions\"]}")
              .get("result")
              .asText();
      nodeA.call("anvil_mine", "[\"0x1\"]");
      assertEquals(id, ws.next(10).get("params").get("subscription").asText());

      net.webSocketRelay.cut();
      JsonNode note =
          Eventually.within(
                  Duration.ofSeconds(20), "newHeads kept arriving after the first upstream died")
              .until(
                  () -> {
                    nodeA.call("anvil_mine", "[\"0x1\"]");
                    try {
                      return ws.next(1);
                    } catch (AssertionError notYet) {
                      return null;
                    }
                  },
                  Objects::nonNull);
      assertEquals(id, note.get("params").get("subscription").asText(), "same subscription id");
      JsonNode call = ws.call("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"eth_chainId\"}");
      assertEquals("0x7a69", call.get("result").asText(), "same connection still serves calls");
      JsonNode passedThrough =
          Eventually.within(
                  Duration.ofSeconds(20),
                  "newPendingTransactions kept arriving after their upstream died")
              .until(
                  () -> {
                    nodeA.call(
                        "eth_sendTransaction",
                        "[{\"from\":\""
                            + DevAccounts.CAROL.getAddress()
                            + "\",\"to\":\""
                            + DevAccounts.SINK
                            + "\",\"value\":\"0x1\"}]");
                    try {
                      return pending.next(1);
                    } catch (AssertionError notYet) {
                      return null;
                    }
                  },
                  Objects::nonNull);
      assertEquals(
          pendingId,
          passedThrough.get("params").get("subscription").asText(),
          "the same id on the next upstream");
    }
  }

  @Test
  void oversizedMessageClosesWith1009() throws Exception {
    try (Socket ws = new Socket("/")) {
      ws.send(
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":[\""
              + "a".repeat(600_000)
              + "\"]}");
      assertEquals(1009, ws.closeCode(10));
    }
  }

  @Test
  void upgradeOnAnUnknownPathIsRefused() {
    java.util.concurrent.CompletionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.util.concurrent.CompletionException.class, () -> new Socket("/v1/a/b").close());
    java.net.http.WebSocketHandshakeException refused =
        org.junit.jupiter.api.Assertions.assertInstanceOf(
            java.net.http.WebSocketHandshakeException.class, e.getCause());
    assertEquals(404, refused.getResponse().statusCode());
  }

  @Test
  void originAllowListRefusesOtherSitesButNotClientsWithoutOrigin() throws Exception {
    try (RawSocket evil = new RawSocket("/", "https://evil.example")) {
      assertEquals(403, evil.status());
    }
    try (RawSocket app = new RawSocket("/", "https://app.example")) {
      assertEquals(101, app.status());
    }
    try (RawSocket bot = new RawSocket("/", null)) {
      assertEquals(101, bot.status());
    }
  }

  @Test
  void aPeerThatAnswersNoPingIsClosedAfterTheIdleTimeout() throws Exception {
    try (RawSocket silent = new RawSocket("/", null)) {
      assertEquals(101, silent.status());
      Duration closedAfter = silent.awaitServerClose(Duration.ofSeconds(10));
      assertNotNull(closedAfter, "the gateway closed the silent connection");
      assertTrue(
          closedAfter.compareTo(Duration.ofMillis(2500)) > 0,
          "not before the 3 s idle timeout: " + closedAfter);
    }
  }

  @Test
  void aLiveClientOutlastsTheIdleTimeoutOnPongsAlone() throws Exception {
    try (Socket ws = new Socket("/")) {
      // Holds time on purpose: past the 3 s idle timeout, with only the client's pongs meanwhile.
      Thread.sleep(5000);
      JsonNode r =
          ws.call("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"eth_chainId\",\"params\":[]}");
      assertEquals("0x7a69", r.get("result").asText(), r.toString());
    }
  }

  @Test
  void notificationsAreChargedComputeUnitsBySize() {
    Admin admin = new Admin(gateway);
    String account = admin.account("{\"name\":\"it-ws-metered\"}");
    String key = admin.key(account).get("key").asText();
    Gateway nodeA = Gateway.direct(net.anvilA);
    long expected = 10; // eth_subscribe itself
    try (Socket ws = new Socket("/v1/" + key)) {
      JsonNode sub =
          ws.call(
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}");
      assertTrue(sub.has("result"), sub.toString());
      for (int i = 0; i < 3; i++) {
        nodeA.call("anvil_mine", "[\"0x1\"]");
        int bytes = ws.nextText(10).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        expected += (long) Math.ceil(bytes * 0.04);
      }
    }
    long want = expected;
    Eventually.within(Duration.ofSeconds(10), "the notifications' compute units are counted")
        .untilAsserted(() ->
            assertEquals(
                want,
                admin
                    .call("GET", "/accounts/" + account + "/usage", null)
                    .json()
                    .get("computeUnits")
                    .asLong(),
                "0.04 CU per notification byte, counted toward the monthly quota"));
  }
}
