package dev.rpcshield.limit;

import java.time.Duration;

/**
 * Connection leases in Redis when it answers, this instance's own when it does not (through {@link
 * SharedRedis}, so an open breaker answers at once): a connection is never refused because Redis is
 * down.
 */
final class SharedLeases implements ConnectionLeases {
  private final SharedRedis redis;
  private final ConnectionLeases shared;
  private final ConnectionLeases local;

  SharedLeases(SharedRedis redis, ConnectionLeases shared, ConnectionLeases local) {
    this.redis = redis;
    this.shared = shared;
    this.local = local;
  }

  @Override
  public boolean acquire(String key, String lease, int cap, Duration ttl) {
    return (Boolean)
        redis.call(
            () -> shared.acquire(key, lease, cap, ttl), () -> local.acquire(key, lease, cap, ttl));
  }

  @Override
  public void renew(String key, String lease, Duration ttl) {
    redis.call(
        () -> {
          shared.renew(key, lease, ttl);
          return null;
        },
        () -> {
          local.renew(key, lease, ttl);
          return null;
        });
  }

  @Override
  public void release(String key, String lease) {
    redis.call(
        () -> {
          shared.release(key, lease);
          return null;
        },
        () -> null);
    local.release(key, lease);
  }
}
