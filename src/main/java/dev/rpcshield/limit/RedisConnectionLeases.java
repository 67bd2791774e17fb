package dev.rpcshield.limit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.JedisPooled;

/**
 * Connection leases in Redis, shared by every instance: a sorted set per identity scored by
 * expiry (Redis time), one atomic script to take a slot, a TTL on every key.
 */
public final class RedisConnectionLeases implements ConnectionLeases {
  private static final String ACQUIRE = load();
  private final JedisPooled redis;

  public RedisConnectionLeases(JedisPooled redis) {
    this.redis = redis;
  }

  private static String load() {
    try (InputStream in = RedisConnectionLeases.class.getResourceAsStream("lease.lua")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean acquire(String key, String lease, int cap, Duration ttl) {
    Object r =
        redis.eval(
            ACQUIRE, List.of(key), List.of(lease, String.valueOf(cap), String.valueOf(ttl.toMillis())));
    return Long.valueOf(1).equals(r);
  }

  @Override
  public void renew(String key, String lease, Duration ttl) {
    acquire(key, lease, Integer.MAX_VALUE, ttl);
  }

  @Override
  public void release(String key, String lease) {
    redis.zrem(key, lease);
  }
}
