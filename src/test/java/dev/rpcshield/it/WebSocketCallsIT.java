package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.Eventually;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway of its own whose one upstream, u1, is an anvil node reached over HTTP through a relay
 * that records every request, and over WebSocket (the same name) through a TCP relay the test can
 * cut: single calls go over the WebSocket connection, batches and transactions over HTTP, and a cut
 * connection costs no call.
 */
class WebSocketCallsIT {
  private static final Anvil NODE = new Anvil(18671, 31337);
  private static final LibertyServer SERVER = new LibertyServer("rpcshieldWsCalls", 18556);
  private static final Gateway GATEWAY = Gateway.at(SERVER.uri());
  private static final Gateway DIRECT = Gateway.direct(NODE);
  private static final Admin ADMIN = new Admin(GATEWAY);
  private static final String BALANCE_PARAMS = "[\"" + DevAccounts.SINK + "\",\"latest\"]";
  private static ChaosProxy http;
  private static TcpProxy webSocket;

  @BeforeAll
  static void start() {
    NODE.start();
    http = new ChaosProxy("u1", 18672, URI.create(NODE.url()));
    webSocket = new TcpProxy(18673, NODE.port());
    SERVER.start(
        List.of(
            "HTTP_HOST=127.0.0.1",
            "RPCSHIELD_CHAIN_ID=31337",
            "RPCSHIELD_UPSTREAMS=u1=http://127.0.0.1:18672",
            "RPCSHIELD_UPSTREAMS_WS=u1=ws://127.0.0.1:18673",
            "RPCSHIELD_UPSTREAM_U1_CALLS_OVER_WS=true",
            "RPCSHIELD_UPSTREAM_TIMEOUT=2s",
            "RPCSHIELD_UPSTREAM_WS_TIMEOUT=2s",
            "RPCSHIELD_ADMIN_TOKEN=" + Admin.TOKEN,
            "RPCSHIELD_ANONYMOUS_RPS=100000",
            "RPCSHIELD_SENDER_LIMIT=0",
            // These tests count what reaches the HTTP relay; the cache would answer repeats.
            "RPCSHIELD_CACHE_ENABLED=false"));
  }

  @AfterAll
  static void stop() {
    SERVER.stop();
    http.close();
    webSocket.close();
    NODE.close();
  }

  @BeforeEach
  void overWebSocket() {
    webSocket.restore();
    Eventually.within(Duration.ofSeconds(20), "calls to u1 go over its WebSocket connection")
        .until(() -> {
          GATEWAY.call("eth_chainId", "[]");
          return ADMIN.upstream("u1").get("calls").asText().equals("websocket");
        });
    http.reset();
  }

  private static long balanceCallsOverHttp() {
    return http.bodies().stream().filter(b -> b.contains("eth_getBalance")).count();
  }

  @Test
  void singleCallsGoOverTheConnectionAndGetTheNodesAnswers() {
    JsonNode expected = DIRECT.call("eth_getBalance", BALANCE_PARAMS);
    for (int i = 0; i < 20; i++) {
      assertEquals(expected, GATEWAY.call("eth_getBalance", BALANCE_PARAMS));
    }
    try (Socket client = new Socket(18556, "/")) {
      client.send(
          "{\"jsonrpc\":\"2.0\",\"id\":\"mine\",\"method\":\"eth_getBalance\",\"params\":"
              + BALANCE_PARAMS
              + "}");
      JsonNode answer = client.next(10);
      assertEquals("mine", answer.get("id").asText(), answer.toString());
      assertEquals(expected, answer.get("result"), answer.toString());
    }
    assertEquals(0, balanceCallsOverHttp(), "no single call reached the HTTP relay");
  }

  @Test
  void aBatchAndATransactionGoOverHttp() {
    String call =
        "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"eth_getBalance\",\"params\":"
            + BALANCE_PARAMS
            + "}";
    Gateway.Response batch = GATEWAY.post("[" + call.formatted(1) + "," + call.formatted(2) + "]");
    assertEquals(200, batch.status(), batch.body());
    assertEquals(2, batch.json().size(), batch.body());
    assertEquals(1, balanceCallsOverHttp(), "the two calls went as one HTTP batch");

    long nonce =
        Long.decode(
            DIRECT
                .call(
                    "eth_getTransactionCount",
                    "[\"" + DevAccounts.BOB.getAddress() + "\",\"pending\"]")
                .asText());
    String raw = DevAccounts.transfer(DevAccounts.BOB, nonce, 1);
    JsonNode hash = GATEWAY.call("eth_sendRawTransaction", "[\"" + raw + "\"]");
    assertTrue(hash.asText().startsWith("0x"), hash.toString());
    assertEquals(
        1,
        http.bodies().stream().filter(b -> b.contains("eth_sendRawTransaction")).count(),
        "the transaction went over HTTP");
  }

  @Test
  void aCutConnectionCostsNoCallAndCallsGoBackToItOnceItCanBeMadeAgain() {
    JsonNode expected = DIRECT.call("eth_getBalance", BALANCE_PARAMS);
    webSocket.cut();
    for (int i = 0; i < 20; i++) {
      Gateway.Response r =
          GATEWAY.post(
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":"
                  + BALANCE_PARAMS
                  + "}");
      assertEquals(200, r.status(), r.body());
      assertEquals(expected, r.json().get("result"), r.body());
    }
    assertEquals("http", ADMIN.upstream("u1").get("calls").asText());
    assertEquals(20, balanceCallsOverHttp(), "they went over HTTP");

    webSocket.restore();
    Eventually.within(Duration.ofSeconds(20), "calls go back over the WebSocket connection")
        .until(() -> {
          GATEWAY.call("eth_getBalance", BALANCE_PARAMS);
          return ADMIN.upstream("u1").get("calls").asText().equals("websocket");
        });
    http.reset();
    assertEquals(expected, GATEWAY.call("eth_getBalance", BALANCE_PARAMS));
    assertEquals(0, balanceCallsOverHttp());
  }
}
