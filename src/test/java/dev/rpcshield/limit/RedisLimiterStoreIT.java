package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The contract against the real Redis these machines run (127.0.0.1:6379), on Redis time. */
class RedisLimiterStoreIT extends LimiterStoreContract {
  private final RedisLimiterStore store =
      new RedisLimiterStore(TestRedis.connection(TestRedis.URI.toString()));
  private final RedisClient jedis = TestRedis.client();

  @AfterEach
  void cleanUp() {
    for (String key : jedis.keys(prefix + "*")) {
      jedis.del(key);
    }
    store.close();
    jedis.close();
  }

  @Override
  LimiterStore store() {
    return store;
  }

  @Override
  void pass(long millis) {
    TestRedis.pass(jedis, Duration.ofMillis(millis));
  }

  @Override
  long nowEpochSecond() {
    return TestRedis.millis(jedis) / 1000;
  }

  @Test
  void everyKeyGetsATtl() {
    store.chargeOne(List.of(Rule.bucket("rps", prefix + "ttl", 10, 5, 1)));
    store.chargeOne(List.of(Rule.bucket("cu", prefix + "ttl:cu", 100, 0.5, 30)));
    Set<String> keys = jedis.keys(prefix + "ttl*");
    assertEquals(Set.of(prefix + "ttl", prefix + "ttl:cu"), keys, "both buckets are stored");
    // At most the time each bucket takes to refill, plus a second: 1 token at 5/s, 30 at 0.5/s.
    Map<String, Long> longest = Map.of(prefix + "ttl", 1_200L, prefix + "ttl:cu", 61_000L);
    for (String key : keys) {
      long ttl = jedis.pttl(key);
      assertTrue(ttl > 0, key + " has no TTL");
      assertTrue(ttl <= longest.get(key), key + " lives " + ttl + " ms, past its refill");
    }
  }
}
