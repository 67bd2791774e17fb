package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** The contract against the real Redis these machines run (127.0.0.1:6379). */
class RedisLimiterStoreIT extends LimiterStoreContract {
  static final URI REDIS = URI.create(System.getProperty("it.redis", "redis://127.0.0.1:6379"));
  private final RedisLimiterStore store = new RedisLimiterStore(REDIS, Duration.ofSeconds(2), 8);
  private final JedisPooled jedis = new JedisPooled(REDIS.getHost(), REDIS.getPort());

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
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  long nowEpochSecond() {
    return Long.parseLong(
        jedis.sendCommand(redis.clients.jedis.Protocol.Command.TIME) instanceof List<?> l
            ? new String((byte[]) l.get(0))
            : "0");
  }

  @Test
  void everyKeyGetsATtl() {
    store.chargeOne(List.of(Rule.bucket("rps", prefix + "ttl", 10, 5, 1)));
    store.chargeOne(
        List.of(Rule.counter("monthly", prefix + "ttl:month", 10, 1, nowEpochSecond() + 100)));
    for (String key : jedis.keys(prefix + "ttl*")) {
      long ttl = jedis.pttl(key);
      assertTrue(ttl > 0, key + " has no TTL");
    }
  }
}
