package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Readiness and answers while a store or every upstream is gone, on a gateway of its own: its
 * PostgreSQL connection runs through a relay the test cuts (the shared database stays up for
 * everyone else), its one upstream through a fault-injecting proxy.
 */
class OutageReadinessIT {
  private static final String CHAIN_ID =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
  private static final Anvil NODE = new Anvil(18607, 31337);
  private static final LibertyServer SERVER = new LibertyServer("rpcshieldOutage", 18549);
  private static TcpProxy database;
  private static ChaosProxy upstream;

  @BeforeAll
  static void start() {
    NODE.start();
    database = new TcpProxy(18632, 5432);
    upstream = new ChaosProxy("node", 18633, URI.create(NODE.url()));
    SERVER.start(
        List.of(
            "HTTP_HOST=127.0.0.1",
            "RPCSHIELD_UPSTREAMS=node=http://127.0.0.1:18633",
            "RPCSHIELD_UPSTREAM_HEAD_POLL_INTERVAL=200ms",
            "RPCSHIELD_DB_URL=jdbc:postgresql://127.0.0.1:18632/rpcshield_it",
            "RPCSHIELD_DB_USER=postgres",
            "RPCSHIELD_ADMIN_TOKEN=" + Admin.TOKEN,
            "RPCSHIELD_USAGE_FLUSH_INTERVAL=1s",
            "RPCSHIELD_CONFIG_REFRESH_INTERVAL=1s"));
  }

  @AfterAll
  static void stop() {
    SERVER.stop();
    upstream.close();
    database.close();
    NODE.close();
  }

  @BeforeEach
  void healthy() {
    Eventually.within(Duration.ofSeconds(15), "ready with the database up")
        .until(() -> {
          Gateway.Response r = ready();
          return r.status() == 200
              && "UP".equals(check(r, "stores").get("data").get("database").asText());
        });
  }

  @AfterEach
  void heal() {
    upstream.mode(ChaosProxy.Mode.FORWARD);
    database.restore();
    live("");
  }

  /** Replaces the server's live override file with these {@code <variable>} lines. */
  private static void live(String variables) {
    SERVER.replace("configDropins/overrides/live.xml", "<server>\n" + variables + "</server>\n");
  }

  private static Gateway.Response ready() {
    Gateway gateway = SERVER.client();
    return gateway.ops("/health/ready");
  }

  private static JsonNode check(Gateway.Response ready, String name) {
    for (JsonNode check : ready.json().get("checks")) {
      if (check.get("name").asText().equals(name)) {
        return check;
      }
    }
    throw new AssertionError("no " + name + " check: " + ready.body());
  }

  /** Lines of the server's messages.log that contain {@code text}. */
  private static long logLines(String text) {
    try (Stream<String> lines = Files.lines(SERVER.dir().resolve("logs/messages.log"))) {
      return lines.filter(l -> l.contains(text)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertNoLeak(String what, String body) {
    for (String leak : List.of("Exception", "jdbc", "postgres", "18632", "127.0.0.1", "<html")) {
      assertFalse(
          body.toLowerCase().contains(leak.toLowerCase()), what + " leaks " + leak + ": " + body);
    }
  }

  @Test
  void whileTheDatabaseIsDownCachedKeysAreServedOthersGet503AndThePodStaysReady() {
    Gateway gateway = SERVER.client();
    assertEquals(1.0, gateway.metricSum("rpcshield_account_database_up\\{[^}]*\\}"));
    Admin admin = new Admin(gateway);
    String account = admin.account("{\"name\":\"outage\",\"tier\":\"pro\"}");
    String seen = admin.key(account).get("key").asText();
    String unseen = admin.key(account).get("key").asText();
    Eventually.within(Duration.ofSeconds(5), "the first key cached (after the key changes' poll)")
        .until(() -> {
          assertEquals(200, gateway.postTo("/v1/" + seen, CHAIN_ID).status());
          return check(ready(), "stores").get("data").get("cachedKeys").asInt() > 0;
        });

    database.cut();
    Eventually.within(Duration.ofSeconds(10), "readiness shows the database down")
        .until(() -> "DOWN".equals(check(ready(), "stores").get("data").get("database").asText()));
    Gateway.Response ready = ready();
    assertEquals(200, ready.status(), "still ready: " + ready.body());
    assertEquals("UP", check(ready, "stores").get("status").asText(), ready.body());
    assertEquals(
        0.0,
        gateway.metricSum("rpcshield_account_database_up\\{[^}]*\\}"),
        "the gauge the alert RpcShieldAccountDatabaseDown reads");

    assertEquals(200, gateway.postTo("/v1/" + seen, CHAIN_ID).status(), "a cached key is served");
    Gateway.Response refused = gateway.postTo("/v1/" + unseen, CHAIN_ID);
    assertEquals(503, refused.status(), refused.body());
    assertEquals(-32032, refused.json().get("error").get("code").asInt(), refused.body());
    assertEquals("5", refused.header("Retry-After"));
    assertEquals(
        5,
        refused.json().get("error").get("data").get("retryAfterSeconds").asInt(),
        refused.body());
    assertNoLeak("an unknown key's refusal", refused.body());
    long refusedLines = logLines("Connection to 127.0.0.1:18632 refused");
    for (int i = 0; i < 50; i++) {
      assertEquals(503, gateway.postTo("/v1/" + unseen, CHAIN_ID).status());
    }
    assertTrue(
        logLines("Connection to 127.0.0.1:18632 refused") - refusedLines <= 5,
        "an uncached key does not send each request to the dead database (one log line each)");

    Gateway.Response listing = admin.call("GET", "/accounts", null);
    assertEquals(503, listing.status(), listing.body());
    assertTrue(listing.json().get("error").asText().contains("database"), listing.body());
    assertNoLeak("the admin API", listing.body());

    database.restore();
    Eventually.within(Duration.ofSeconds(15), "the unseen key is served once the database is back")
        .pollInterval(Duration.ofMillis(250))
        .until(() -> gateway.postTo("/v1/" + unseen, CHAIN_ID).status() == 200);
  }

  @Test
  void withEveryUpstreamDeadThePodStaysReadyAndAnswersJsonUnlessUpstreamsAreRequired() {
    assertEquals(200, ready().status());
    upstream.mode(ChaosProxy.Mode.DOWN);
    Eventually.within(Duration.ofSeconds(5), "readiness sees no upstream answering")
        .until(() -> !check(ready(), "upstreams").get("data").get("serving").asBoolean());
    Gateway.Response ready = ready();
    assertEquals(200, ready.status(), "an outage every pod shares keeps them in the Service");
    assertEquals("UP", check(ready, "upstreams").get("status").asText(), ready.body());
    assertTrue(
        check(ready, "upstreams").get("data").get("node").asText().contains("NOT_ANSWERING"),
        ready.body());
    Gateway.Response call =
        SERVER
            .client()
            .post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}");
    assertEquals(503, call.status(), call.body());
    assertEquals(-32011, call.json().get("error").get("code").asInt(), call.body());

    live("    <variable name=\"rpcshield.health.require-upstreams\" value=\"true\"/>\n");
    Eventually.within(Duration.ofSeconds(10), "opted in, readiness fails with no upstream")
        .until(() -> ready().status() == 503);
    upstream.mode(ChaosProxy.Mode.FORWARD);
    Eventually.within(Duration.ofSeconds(5), "ready again once the upstream answers")
        .until(() -> ready().status() == 200);
    assertTrue(check(ready(), "upstreams").get("data").get("serving").asBoolean());
  }
}
