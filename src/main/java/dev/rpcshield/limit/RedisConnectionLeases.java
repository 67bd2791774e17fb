package dev.rpcshield.limit;

import dev.rpcshield.config.Resources;
import java.time.Duration;
import java.util.List;

/**
 * Connection leases in Redis, shared by every instance: a sorted set per identity scored by expiry
 * (Redis time), one atomic script to take a slot, a TTL on every key.
 */
public final class RedisConnectionLeases implements ConnectionLeases {
  private static final String ACQUIRE = Resources.text(RedisConnectionLeases.class, "lease.lua");
  private final RedisConnection redis;

  public RedisConnectionLeases(RedisConnection redis) {
    this.redis = redis;
  }

  @Override
  public boolean acquire(String key, String lease, int cap, Duration ttl) {
    Object r =
        redis
            .get()
            .eval(
                ACQUIRE,
                List.of(key),
                List.of(lease, String.valueOf(cap), String.valueOf(ttl.toMillis())));
    return Long.valueOf(1).equals(r);
  }

  @Override
  public void renew(String key, String lease, Duration ttl) {
    acquire(key, lease, Integer.MAX_VALUE, ttl);
  }

  @Override
  public void release(String key, String lease) {
    redis.get().zrem(key, lease);
  }
}
