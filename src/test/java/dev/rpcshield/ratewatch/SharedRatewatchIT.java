package dev.rpcshield.ratewatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.limit.RedisConnection;
import dev.rpcshield.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The cluster's ratewatch state in the real Redis these machines run, under a test's own prefix:
 * the ratewatch contract, and what only a shared store does (instances adding up, keys that
 * expire).
 */
class SharedRatewatchIT extends RatewatchStoreContract {
  private final RedisClient jedis = TestRedis.client();
  private final RedisConnection connection = TestRedis.connection(TestRedis.URI.toString());
  private final String prefix = "rwtest:{" + UUID.randomUUID() + "}:";

  @AfterEach
  void clean() {
    jedis.keys(prefix + "*").forEach(jedis::del);
    jedis.close();
    connection.close();
  }

  private SharedRatewatch shared(int maxSeries, long threshold, Duration window) {
    FlagRule flag = new FlagRule(threshold, window);
    return new SharedRatewatch(connection, prefix, maxSeries, Duration.ofHours(1), () -> flag);
  }

  @Override
  RatewatchStore store(int maxSeries, long threshold, Duration flagWindow) {
    return shared(maxSeries, threshold, flagWindow);
  }

  @Override
  void pass(Duration d) {
    TestRedis.pass(jedis, d);
  }

  @Test
  void instancesAddUpAndTheFlagFiresOncePerEpisode() {
    SharedRatewatch one = shared(200, 10, Duration.ofMinutes(10));
    SharedRatewatch two = shared(200, 10, Duration.ofMinutes(10));
    assertEquals(List.of(), one.add(Map.of("user|a", 6L), Map.of("a", 6L)));
    assertEquals(
        List.of("a"), two.add(Map.of("user|a", 5L), Map.of("a", 5L)), "11 >= 10 cluster-wide");
    assertEquals(List.of(), one.add(Map.of("user|a", 50L), Map.of("a", 50L)), "set once");
    List<Episode> episodes = two.episodes(Instant.now());
    assertEquals(1, episodes.size());
    assertEquals("user", episodes.get(0).refusalClass());
    assertEquals("a", episodes.get(0).key());
    assertEquals(61, episodes.get(0).count());
  }

  @Test
  void evictedSeriesLeaveNoCountsBehind() {
    SharedRatewatch s = shared(3, 1000, Duration.ofMinutes(10));
    for (int i = 0; i < 5; i++) {
      s.add(Map.of("ip|10.0.0." + i, 1L), Map.of());
    }
    assertEquals(3L, jedis.hlen(prefix + "count"));
  }

  @Test
  void flagBucketsExpire() {
    shared(200, 10, Duration.ofMillis(600)).add(Map.of(), Map.of("b", 9L));
    assertTrue(jedis.pttl(prefix + "f:b") > 0, "bucket keys expire");
  }
}
