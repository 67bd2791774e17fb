package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** Connection leases in the real Redis these machines run (127.0.0.1:6379). */
class RedisConnectionLeasesIT {
  @Test
  void redisCapsReleasesAndExpires() throws InterruptedException {
    try (JedisPooled redis = new JedisPooled("127.0.0.1", 6379)) {
      RedisConnectionLeases leases = new RedisConnectionLeases(redis);
      String key = "rpcshield-test:" + UUID.randomUUID() + ":ws";
      InMemoryConnectionLeasesTest.capThenRelease(leases, key);
      assertTrue(redis.pttl(key) > 0, "the key expires");
      String shortKey = key + ":short";
      assertTrue(leases.acquire(shortKey, "x", 1, Duration.ofMillis(100)));
      assertFalse(leases.acquire(shortKey, "y", 1, Duration.ofMillis(100)));
      Thread.sleep(150);
      assertTrue(leases.acquire(shortKey, "y", 1, Duration.ofMillis(100)), "Redis time expires it");
      redis.del(key, shortKey);
    }
  }
}
