package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.Eventually;
import dev.rpcshield.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * MicroProfile Fault Tolerance in front of Redis: a gateway of its own on a Redis of its own, which
 * the test stops and starts again. While Redis is gone every call is still answered and still
 * limited (on the instance's own state), the fallback and the open breaker show in the {@code ft_*}
 * metrics and in readiness, and the limits go back to Redis by themselves once it returns.
 */
class RedisOutageIT {
  private static final String CHAIN_ID =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
  private static final int REDIS_PORT = 18679;
  private static final Anvil NODE = new Anvil(18606, 31337);
  private static final LibertyServer SERVER = new LibertyServer("rpcshieldRedisOutage", 18548);
  private static Process redis;

  @BeforeAll
  static void start() {
    startRedis();
    NODE.start();
    SERVER.start(
        List.of(
            "HTTP_HOST=127.0.0.1",
            "RPCSHIELD_UPSTREAMS=node=" + NODE.url(),
            "RPCSHIELD_REDIS_URL=redis://127.0.0.1:" + REDIS_PORT,
            "RPCSHIELD_ANONYMOUS_RPS=1"));
  }

  @AfterAll
  static void stop() {
    SERVER.stop();
    NODE.close();
    redis.destroyForcibly();
  }

  private static void startRedis() {
    redis = TestRedis.startServer(REDIS_PORT);
  }

  private static JsonNode stores() {
    Gateway gateway = SERVER.client();
    Gateway.Response ready = gateway.ops("/health/ready");
    for (JsonNode check : ready.json().get("checks")) {
      if (check.get("name").asText().equals("stores")) {
        return check.get("data");
      }
    }
    throw new AssertionError("no stores check: " + ready.body());
  }

  /**
   * The sum of every {@code ft_*} sample named {@code metric} for SharedRedis.call with {@code
   * label}.
   */
  private static double ft(String metric, String label) {
    Gateway gateway = SERVER.client();
    String text = gateway.ops("/metrics").body();
    double sum = 0;
    Matcher m = Pattern.compile("(?m)^" + metric + "\\{([^}]*)\\} ([0-9.eE+-]+)$").matcher(text);
    while (m.find()) {
      if (m.group(1).contains("method=\"dev.rpcshield.limit.SharedRedis.call\"")
          && m.group(1).contains(label)) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  /** Anonymous calls from one address until the first refusal, at most ten. */
  private static List<Integer> untilRefused(String localAddress) {
    Gateway client = Gateway.at(SERVER.uri(), localAddress);
    List<Integer> statuses = new ArrayList<>();
    while (statuses.size() < 10 && (statuses.isEmpty() || statuses.getLast() == 200)) {
      statuses.add(client.post(CHAIN_ID).status());
    }
    return statuses;
  }

  @Test
  void callsAreServedAndLimitedLocallyWhileRedisIsDownAndSharedAgainOnceItReturns() {
    assertEquals(List.of(200, 200, 429), untilRefused("127.0.0.21"), "limited in Redis");
    assertEquals("SHARED", stores().get("limiter").asText(), stores().toString());
    try (RedisClient r = RedisClient.create("127.0.0.1", REDIS_PORT)) {
      assertTrue(r.keys("rl:*").size() > 0, "the buckets live in Redis");
    }

    redis.destroyForcibly();
    Gateway client = Gateway.at(SERVER.uri(), "127.0.0.22");
    List<Integer> outage = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      outage.add(client.post(CHAIN_ID).status());
    }
    assertEquals(200, outage.getFirst(), "served while Redis is down: " + outage);
    assertTrue(outage.contains(429), "and still limited, on local state: " + outage);
    assertTrue(outage.stream().allMatch(s -> s == 200 || s == 429), outage.toString());
    assertEquals("LOCAL_FALLBACK", stores().get("limiter").asText(), stores().toString());
    assertTrue(
        ft("ft_invocations_total", "fallback=\"applied\"") >= 20,
        "every call went through the fallback");
    assertTrue(ft("ft_circuitbreaker_opened_total", "") >= 1, "the breaker opened");

    startRedis();
    Eventually.within(Duration.ofSeconds(10), "limits shared in Redis again")
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          untilRefused("127.0.0.23");
          return "SHARED".equals(stores().get("limiter").asText());
        });
  }
}
