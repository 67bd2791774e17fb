package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.RedisTopologies;
import dev.rpcshield.testing.TestRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The contract against a real three-node Redis Cluster, and what only a cluster adds: a body whose
 * rules live in different slots (a caller's keys and a transaction sender's) is still charged, and
 * a member refused in one slot is refused.
 */
class RedisClusterLimiterStoreIT extends LimiterStoreContract {
  private static RedisConnection connection;
  private final RedisLimiterStore store = new RedisLimiterStore(connection);
  private final String senderKey = "snd:{" + UUID.randomUUID() + "}";

  @BeforeAll
  static void cluster() {
    RedisTopologies.start();
    connection = TestRedis.connection(TestRedis.CLUSTER);
  }

  @AfterAll
  static void close() {
    connection.close();
  }

  @AfterEach
  void cleanUp() {
    UnifiedJedis redis = connection.get();
    for (String key : List.of("rl:" + prefix + "rps", senderKey)) {
      redis.del(key);
    }
  }

  /** Cluster nodes run on this machine's clock; any node's TIME is the scripts' time. */
  private static RedisClient node() {
    return RedisClient.create("127.0.0.1", RedisTopologies.CLUSTER_PORTS[0]);
  }

  @Override
  LimiterStore store() {
    return store;
  }

  @Override
  void pass(long millis) {
    try (RedisClient node = node()) {
      TestRedis.pass(node, java.time.Duration.ofMillis(millis));
    }
  }

  @Override
  long nowEpochSecond() {
    try (RedisClient node = node()) {
      return TestRedis.millis(node) / 1000;
    }
  }

  @Test
  void aBodyWhoseRulesSpanSlotsIsChargedInEachAndRefusedIfAnyRefuses() {
    Rule caller = Rule.bucket("rps", "rl:" + prefix + "rps", 10, 0.001, 1);
    Rule sender = Rule.bucket("sender", senderKey, 1, 0.001, 1);
    assertNotEquals(
        JedisClusterCRC16.getSlot(caller.key()),
        JedisClusterCRC16.getSlot(sender.key()),
        "the two keys are in different slots");
    List<Decision> first = store.charge(List.of(List.of(caller, sender), List.of(caller)));
    assertTrue(first.get(0).allowed(), first.toString());
    assertTrue(first.get(1).allowed());
    Decision second = store.charge(List.of(List.of(caller, sender))).get(0);
    assertFalse(second.allowed(), "the sender's one token is spent");
    assertEquals("sender", second.rule());
    assertEquals(
        "7",
        connection.get().hget(caller.key(), "tk").split("\\.")[0],
        "the caller's bucket was charged in its own slot by all three calls");
  }

  @Test
  void aBodyOfManyCallersIsChargedInTheirSlotsAndAnsweredInOrder() {
    List<List<Rule>> body = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int c = 0; c < 20; c++) {
      String key = "rl:{" + UUID.randomUUID() + "}:rps";
      keys.add(key);
      Rule one = Rule.bucket("rps", key, 1 + c % 3, 0.001, 1);
      for (int m = 0; m <= 1 + c % 3; m++) {
        body.add(List.of(one));
      }
    }
    assertTrue(
        keys.stream().map(JedisClusterCRC16::getSlot).distinct().count() > 10,
        "the callers' keys are spread over many slots");
    try {
      List<Decision> ds = store.charge(body);
      assertEquals(body.size(), ds.size());
      int at = 0;
      for (int c = 0; c < 20; c++) {
        int capacity = 1 + c % 3;
        for (int m = 0; m < capacity; m++) {
          assertTrue(ds.get(at).allowed(), "caller " + c + " member " + m);
          assertEquals(capacity - 1 - m, ds.get(at++).remaining());
        }
        assertFalse(ds.get(at++).allowed(), "caller " + c + "'s member past its bucket");
      }
    } finally {
      keys.forEach(connection.get()::del);
    }
  }
}
