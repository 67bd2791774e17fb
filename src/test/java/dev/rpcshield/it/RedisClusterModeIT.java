package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.RedisTopologies;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;

/**
 * A gateway whose shared state is in a Redis Cluster ({@code redis-cluster://} seeds): limits hold
 * and live in the cluster, and the limiter reports the shared mode.
 */
class RedisClusterModeIT {
  private static final String CHAIN_ID =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
  private static final Anvil NODE = new Anvil(18610, 31337);
  private static final LibertyServer SERVER = new LibertyServer("rpcshieldRedisCluster", 18554);

  @BeforeAll
  static void start() {
    RedisTopologies.start();
    NODE.start();
    SERVER.start(
        List.of(
            "HTTP_HOST=127.0.0.1",
            "RPCSHIELD_UPSTREAMS=node=" + NODE.url(),
            "RPCSHIELD_REDIS_URL=redis-cluster://127.0.0.1:17001,127.0.0.1:17002",
            "RPCSHIELD_REDIS_TIMEOUT=1s",
            "RPCSHIELD_ANONYMOUS_RPS=1"));
  }

  @AfterAll
  static void stop() {
    SERVER.stop();
    NODE.close();
  }

  @Test
  void limitsAreSharedThroughTheCluster() {
    Gateway client = Gateway.at(SERVER.uri(), "127.0.0.31");
    List<Integer> statuses = new ArrayList<>();
    while (statuses.size() < 10 && (statuses.isEmpty() || statuses.getLast() == 200)) {
      statuses.add(client.post(CHAIN_ID).status());
    }
    assertEquals(List.of(200, 200, 429), statuses, "a burst of 2 at 1/s, counted in the cluster");
    try (RedisClusterClient cluster =
        RedisClusterClient.create(
            Set.of(new HostAndPort("127.0.0.1", RedisTopologies.CLUSTER_PORTS[0])))) {
      assertTrue(cluster.exists("rl:{ip:127.0.0.31}:rps"), "the caller's bucket is in the cluster");
    }
    Gateway gateway = SERVER.client();
    JsonNode ready = gateway.ops("/health/ready").json();
    for (JsonNode check : ready.get("checks")) {
      if (check.get("name").asText().equals("stores")) {
        assertEquals("SHARED", check.get("data").get("limiter").asText(), check.toString());
        return;
      }
    }
    throw new AssertionError("no stores check: " + ready);
  }
}
