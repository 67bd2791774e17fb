package dev.rpcshield.limit;

import java.util.List;

/**
 * Where limiter state lives. One call charges a whole body (a single request or every member of a
 * batch) in order: each member all-or-nothing across its rules, so a refused member costs nothing.
 * Implementations: {@link InMemoryLimiterStore}, {@link RedisLimiterStore}, and {@link
 * SharedLimiterStore} in front of Redis.
 */
public interface LimiterStore {

  /** One decision per member, in order. */
  List<Decision> charge(List<List<Rule>> members);

  /** Charges one member. */
  default Decision chargeOne(List<Rule> rules) {
    return charge(List.of(rules)).get(0);
  }
}
