package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The lease contract in the real Redis these machines run, on Redis time. */
class RedisConnectionLeasesIT extends ConnectionLeasesContract {
  private final RedisClient redis = TestRedis.client();
  private final RedisConnection connection = TestRedis.connection(TestRedis.URI.toString());
  private final RedisConnectionLeases leases = new RedisConnectionLeases(connection);

  @AfterEach
  void cleanUp() {
    redis.keys(prefix + "*").forEach(redis::del);
    redis.close();
    connection.close();
  }

  @Override
  ConnectionLeases leases() {
    return leases;
  }

  @Override
  Duration ttl() {
    return Duration.ofSeconds(2);
  }

  @Override
  void pass(Duration d) {
    TestRedis.pass(redis, d);
  }

  @Test
  void theLeaseSetExpires() {
    String key = prefix + "ws";
    assertTrue(leases.acquire(key, "a", 2, Duration.ofSeconds(60)));
    assertTrue(redis.pttl(key) > 0, "the key expires");
  }
}
