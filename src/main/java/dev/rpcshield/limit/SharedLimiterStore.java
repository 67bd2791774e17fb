package dev.rpcshield.limit;

import java.util.List;

/**
 * Limits charged in Redis, shared by every instance, through {@link SharedRedis}: when Redis cannot
 * be used the same members are charged on this instance's own state, so the gateway keeps limiting
 * instead of refusing everyone or failing.
 */
final class SharedLimiterStore implements LimiterStore {
  private final SharedRedis redis;
  private final LimiterStore local;

  SharedLimiterStore(SharedRedis redis, LimiterStore local) {
    this.redis = redis;
    this.local = local;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Decision> charge(List<List<Rule>> members) {
    return (List<Decision>)
        redis.call(() -> redis.limiterStore().charge(members), () -> local.charge(members));
  }
}
