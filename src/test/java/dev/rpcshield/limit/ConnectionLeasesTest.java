package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** The same lease behaviour in memory and in the real Redis. */
class ConnectionLeasesTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

  private static void capThenRelease(ConnectionLeases leases, String key) {
    assertTrue(leases.acquire(key, "a", 2, Duration.ofSeconds(60)));
    assertTrue(leases.acquire(key, "b", 2, Duration.ofSeconds(60)));
    assertFalse(leases.acquire(key, "c", 2, Duration.ofSeconds(60)));
    leases.release(key, "a");
    assertTrue(leases.acquire(key, "c", 2, Duration.ofSeconds(60)));
  }

  @Test
  void inMemoryCapsReleasesAndExpires() {
    InMemoryConnectionLeases leases = new InMemoryConnectionLeases(clock);
    capThenRelease(leases, "k");
    assertFalse(leases.acquire("k", "d", 2, Duration.ofSeconds(60)));
    clock.advance(Duration.ofSeconds(61));
    assertTrue(leases.acquire("k", "d", 2, Duration.ofSeconds(60)), "a dead holder's slot expires");
  }

  @Test
  void redisCapsReleasesAndExpires() throws InterruptedException {
    try (JedisPooled redis = new JedisPooled("127.0.0.1", 6379)) {
      RedisConnectionLeases leases = new RedisConnectionLeases(redis);
      String key = "rpcshield-test:" + UUID.randomUUID() + ":ws";
      capThenRelease(leases, key);
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
