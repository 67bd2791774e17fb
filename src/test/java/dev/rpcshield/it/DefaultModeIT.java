package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default mode end to end: a gateway on embedded defaults only (limits in this instance's
 * memory, accounts in an embedded H2; no rpcshield.redis.url, no rpcshield.db.url) in front of a
 * real anvil node of its own, used through a plain HTTP client. Its environment names the upstream,
 * an admin token and a low anonymous rate (1/s, so a burst of 2), and where it listens.
 */
class DefaultModeIT {
  private static final String CHAIN_ID =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
  private static final Anvil NODE = new Anvil(18605, 31339);
  private static final LibertyServer SERVER = new LibertyServer("rpcshieldDefault", 18547);

  @BeforeAll
  static void start() {
    NODE.start();
    SERVER.start(
        List.of(
            "HTTP_HOST=127.0.0.1",
            "RPCSHIELD_UPSTREAMS=node=" + NODE.url(),
            "RPCSHIELD_ADMIN_TOKEN=" + Admin.TOKEN,
            "RPCSHIELD_ANONYMOUS_RPS=1"));
  }

  @AfterAll
  static void stop() {
    SERVER.stop();
    NODE.close();
  }

  /**
   * A client of the default-mode gateway from its own loopback address: its own anonymous budget.
   */
  private static Gateway client(String localAddress) {
    return Gateway.at(SERVER.uri(), localAddress);
  }

  /** Anonymous calls as fast as they come, at most ten, until the first one refused. */
  private static List<Gateway.Response> untilRefused(Gateway client) {
    List<Gateway.Response> answers = new ArrayList<>();
    while (answers.size() < 10 && (answers.isEmpty() || answers.getLast().status() == 200)) {
      answers.add(client.post(CHAIN_ID));
    }
    return answers;
  }

  @Test
  void callsAreServedByTheNodeBehindIt() {
    String nodeChainId = Gateway.direct(NODE).call("eth_chainId", "[]").asText();
    assertEquals("0x7a6b", nodeChainId, "the node runs chain 31339");
    Gateway.Response r = client("127.0.0.11").post(CHAIN_ID);
    assertEquals(200, r.status(), r.body());
    assertEquals(nodeChainId, r.json().get("result").asText(), r.body());
  }

  @Test
  void theAnonymousRateLimitRefusesOnceItsBurstIsSpent() {
    List<Gateway.Response> answers = untilRefused(client("127.0.0.12"));
    assertEquals(200, answers.getFirst().status(), answers.getFirst().body());
    Gateway.Response refused = answers.getLast();
    assertEquals(
        429,
        refused.status(),
        "a burst of 2 at 1/s is spent within ten calls: "
            + answers.stream().map(Gateway.Response::status).toList());
    assertEquals(-32005, refused.json().get("error").get("code").asInt(), refused.body());
    assertNotNull(refused.header("Retry-After"), "Retry-After on a refusal");
    assertTrue(Long.parseLong(refused.header("Retry-After")) >= 1, refused.header("Retry-After"));
    assertEquals("2", refused.header("X-RateLimit-Limit"), "burst twice the configured 1/s");
    assertEquals(
        200, client("127.0.0.13").post(CHAIN_ID).status(), "another address has its own budget");
  }

  @Test
  void aRateLimitRefusalCarriesTheStandardReasonPhrase() throws IOException {
    String line = "";
    for (int i = 0; i < 10 && !line.startsWith("HTTP/1.1 429"); i++) {
      line = statusLine("127.0.0.15", CHAIN_ID);
    }
    assertEquals(
        "HTTP/1.1 429 Too Many Requests", line, "ethers v6 shows it: server response 429 ...");
  }

  /** The status line of one POST from {@code localAddress}, read off the socket. */
  private static String statusLine(String localAddress, String body) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(localAddress, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", SERVER.uri().getPort()), 5_000);
      socket.setSoTimeout(5_000);
      byte[] json = body.getBytes(StandardCharsets.UTF_8);
      String head =
          "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Content-Length: "
              + json.length
              + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(json);
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
          .readLine();
    }
  }

  @Test
  void anAccountAndKeyMadeThroughTheAdminApiServeKeyedCalls() {
    Admin admin = new Admin(SERVER.client());
    String account = admin.account("{\"name\":\"default-mode\"}");
    String key = admin.key(account).get("key").asText();
    Gateway client = client("127.0.0.14");
    List<Gateway.Response> anonymous = untilRefused(client);
    assertEquals(429, anonymous.getLast().status(), "this address's anonymous budget is spent");
    Gateway.Response keyed = client.post(CHAIN_ID, "X-API-Key", key);
    assertEquals(
        200, keyed.status(), "the key is the caller now, not the address: " + keyed.body());
    assertEquals("0x7a6b", keyed.json().get("result").asText());
    JsonNode read = admin.call("GET", "/accounts/" + account, null).json();
    assertEquals("default-mode", read.get("name").asText(), read.toString());
    assertTrue(
        Files.exists(SERVER.dir().resolve("data/rpcshield.mv.db")),
        "the gateway keeps its accounts in an embedded H2 under " + SERVER.dir().resolve("data"));
  }

  @Test
  void readyWithTheDatabaseUpAndTheLimiterInLocalMemory() {
    Gateway gateway = SERVER.client();
    Gateway.Response ready = gateway.ops("/health/ready");
    assertEquals(200, ready.status(), ready.body());
    assertEquals("UP", ready.json().get("status").asText(), ready.body());
    JsonNode stores = null;
    for (JsonNode check : ready.json().get("checks")) {
      if (check.get("name").asText().equals("stores")) {
        stores = check;
      }
    }
    assertNotNull(stores, ready.body());
    assertEquals("UP", stores.get("status").asText(), ready.body());
    assertEquals("UP", stores.get("data").get("database").asText(), ready.body());
    assertEquals("local memory", stores.get("data").get("limiter").asText(), ready.body());
  }
}
