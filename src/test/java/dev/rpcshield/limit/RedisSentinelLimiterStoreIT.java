package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.RedisTopologies;
import dev.rpcshield.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The contract through a Sentinel: the store asks the sentinel for master {@code rpcshield} (the
 * machine's Redis) and keeps its state there.
 */
class RedisSentinelLimiterStoreIT extends LimiterStoreContract {
  private static RedisConnection connection;
  private final RedisLimiterStore store = new RedisLimiterStore(connection);
  private final RedisClient master = TestRedis.client();

  @BeforeAll
  static void sentinel() {
    RedisTopologies.start();
    connection = TestRedis.connection(TestRedis.SENTINEL);
  }

  @AfterAll
  static void close() {
    connection.close();
  }

  @AfterEach
  void cleanUp() {
    master.keys(prefix + "*").forEach(master::del);
    master.close();
  }

  @Override
  LimiterStore store() {
    return store;
  }

  @Override
  void pass(long millis) {
    TestRedis.pass(master, Duration.ofMillis(millis));
  }

  @Override
  long nowEpochSecond() {
    return TestRedis.millis(master) / 1000;
  }

  @Test
  void theStateLivesOnTheMasterTheSentinelNames() {
    store.chargeOne(List.of(Rule.bucket("rps", prefix + "via-sentinel", 5, 1, 2)));
    assertTrue(master.exists(prefix + "via-sentinel"), "written on 127.0.0.1:6379");
    assertEquals("3", master.hget(prefix + "via-sentinel", "tk").split("\\.")[0]);
  }
}
