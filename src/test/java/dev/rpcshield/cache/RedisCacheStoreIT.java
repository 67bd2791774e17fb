package dev.rpcshield.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The store contract against the real Redis these machines run (127.0.0.1:6379). */
class RedisCacheStoreIT extends CacheStoreContract {
  private final RedisClient jedis = TestRedis.client();
  private final RedisCacheStore store =
      new RedisCacheStore(() -> jedis, Duration.ofMinutes(5), 1024);

  @AfterEach
  void cleanUp() {
    for (String key : jedis.keys(prefix + "*")) {
      jedis.del(key);
    }
    jedis.close();
  }

  @Override
  CacheStore store() {
    return store;
  }

  @Test
  void aNetworksGenerationIsSharedOnlyMovesOnAndHasATtl() {
    String network = "test-" + UUID.randomUUID();
    String key = RedisCacheStore.generationKey(network);
    try {
      assertEquals(0, store.generation(network, 0), "none yet");
      assertFalse(jedis.exists(key), "a read of none writes none");
      long first = store.advance(network, 0);
      RedisCacheStore another = new RedisCacheStore(() -> jedis, Duration.ofMinutes(5), 1024);
      assertEquals(first, another.generation(network, 0), "another instance reads it");
      assertTrue(another.advance(network, first) > first);
      assertEquals(first + 1, store.generation(network, first));
      long ttl = jedis.ttl(key);
      assertTrue(ttl > 0 && ttl <= 300, "ttl " + ttl);
    } finally {
      jedis.del(key);
    }
  }

  @Test
  void aGenerationRedisLostComesBackAtTheCallersAndAMoveGoesPastIt() {
    String network = "test-" + UUID.randomUUID();
    String key = RedisCacheStore.generationKey(network);
    try {
      store.advance(network, 0);
      store.advance(network, 0);
      jedis.del(key);
      assertEquals(7, store.generation(network, 7), "raised to the caller's");
      assertEquals(7, store.generation(network, 3), "never lowered");
      long ttl = jedis.ttl(key);
      assertTrue(ttl > 0 && ttl <= 300, "ttl " + ttl);
      jedis.del(key);
      assertEquals(8, store.advance(network, 7), "past the caller's when Redis lost it");
      assertEquals(9, store.advance(network, 2), "past the stored when the caller is behind");
      ttl = jedis.ttl(key);
      assertTrue(ttl > 0 && ttl <= 300, "ttl " + ttl);
    } finally {
      jedis.del(key);
    }
  }

  @Test
  void everyKeyHasATtl() {
    store.put(prefix + "eth_chainId:t", "\"0x1\"".getBytes(StandardCharsets.UTF_8));
    long ttl = jedis.ttl(prefix + "eth_chainId:t");
    assertTrue(ttl > 0 && ttl <= 300, "ttl " + ttl);
  }

  @Test
  void aValueOverTheThresholdIsStoredDeflated() {
    byte[] value = "[{\"logIndex\":\"0x0\"}]".repeat(500).getBytes(StandardCharsets.UTF_8);
    store.put(prefix + "eth_getLogs:z", value);
    long stored = jedis.strlen(prefix + "eth_getLogs:z");
    assertTrue(stored < value.length / 4, stored + " bytes stored for " + value.length);
  }
}
