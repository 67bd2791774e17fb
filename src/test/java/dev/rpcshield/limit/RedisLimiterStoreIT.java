package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** The contract against the real Redis these machines run (127.0.0.1:6379), on Redis time. */
class RedisLimiterStoreIT extends LimiterStoreContract {
  private final RedisLimiterStore store =
      new RedisLimiterStore(TestRedis.connection(TestRedis.URI.toString()));
  private final JedisPooled jedis = TestRedis.client();

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
    for (String key : jedis.keys(prefix + "ttl*")) {
      long ttl = jedis.pttl(key);
      assertTrue(ttl > 0, key + " has no TTL");
    }
  }
}
