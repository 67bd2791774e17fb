package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.Eventually;
import dev.rpcshield.testing.TestRedis;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The response cache in Redis, shared by two gateways of their own in front of one anvil (behind a
 * counting proxy), on a Redis of the test's own that it stops: an entry one instance stored is a
 * hit on the other; with Redis gone every call is still answered, as a miss, and the store errors
 * are counted.
 */
class SharedCacheIT {
  private static final int REDIS_PORT = 18681;
  private static final Anvil NODE = new Anvil(18609, 31337);
  private static final LibertyServer ONE = new LibertyServer("rpcshieldCacheOne", 18551);
  private static final LibertyServer TWO = new LibertyServer("rpcshieldCacheTwo", 18552);
  private static ChaosProxy proxy;
  private static Process redis;
  private static Gateway node;

  @BeforeAll
  static void start() {
    startRedis();
    NODE.start();
    proxy = new ChaosProxy("shared-cache-upstream", 18623, URI.create(NODE.url()));
    List<String> env =
        List.of(
            "HTTP_HOST=127.0.0.1",
            "RPCSHIELD_UPSTREAMS=c=http://127.0.0.1:18623",
            "RPCSHIELD_UPSTREAM_HEAD_POLL_INTERVAL=200ms",
            "RPCSHIELD_ANONYMOUS_RPS=100000",
            "RPCSHIELD_REDIS_URL=redis://127.0.0.1:" + REDIS_PORT,
            "RPCSHIELD_CACHE_STORE=redis",
            "RPCSHIELD_CACHE_COMPRESS_ABOVE=64",
            "RPCSHIELD_ADMIN_TOKEN=" + Admin.TOKEN);
    ONE.start(env);
    TWO.start(env);
    node = Gateway.direct(NODE);
    node.call("anvil_mine", "[\"0x50\"]");
    for (LibertyServer s : List.of(ONE, TWO)) {
      Eventually.within(Duration.ofSeconds(10), "the head poll sees block 4 finalized")
          .until(() ->
              new Admin(s.client())
                      .call("GET", "/upstreams", null)
                      .json()
                      .get(0)
                      .get("finalized")
                      .asLong()
                  >= 4);
    }
  }

  @AfterAll
  static void stop() {
    ONE.stop();
    TWO.stop();
    proxy.close();
    NODE.close();
    if (redis != null) {
      redis.destroyForcibly();
    }
  }

  private static void startRedis() {
    redis = TestRedis.startServer(REDIS_PORT);
  }

  private static Gateway.Response ask(LibertyServer s, String block) {
    return s.client()
        .post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBlockByNumber\",\"params\":[\""
                + block
                + "\",true]}");
  }

  private static double storeErrors(LibertyServer s) {
    Gateway g = s.client();
    String text = g.ops("/metrics").body();
    Matcher m =
        Pattern.compile("(?m)^rpcshield_cache_store_errors_total\\{[^}]*\\} ([0-9.]+)$")
            .matcher(text);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  @Test
  void anEntryOneInstanceStoredIsAHitOnTheOtherAndRedisDownIsAMiss() {
    proxy.reset();
    Gateway.Response first = ask(ONE, "0x2");
    assertEquals("MISS", first.header("X-Cache"), first.body());
    Gateway.Response other = ask(TWO, "0x2");
    assertEquals("HIT", other.header("X-Cache"), other.body());
    assertEquals(first.json().get("result"), other.json().get("result"));
    assertEquals(1, proxy.bodies().stream().filter(b -> b.contains("\"0x2\"")).count());

    redis.destroyForcibly();
    double before = storeErrors(ONE);
    JsonNode direct = node.call("eth_getBlockByNumber", "[\"0x4\",true]");
    for (int i = 0; i < 3; i++) {
      for (LibertyServer s : List.of(ONE, TWO)) {
        Gateway.Response r = ask(s, i == 0 ? "0x4" : "0x2");
        assertEquals(200, r.status(), r.body());
        assertEquals("MISS", r.header("X-Cache"), r.body());
        if (i == 0) {
          assertEquals(direct, r.json().get("result"));
        }
      }
    }
    assertTrue(storeErrors(ONE) > before, "store errors counted");
  }
}
