package dev.rpcshield.ratewatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The cluster's ratewatch state in the real Redis these machines run, under a test's own prefix.
 */
class SharedRatewatchIT {
  private final JedisPooled jedis = TestRedis.client();
  private final String prefix = "rwtest:" + UUID.randomUUID() + ":";

  @AfterEach
  void clean() {
    jedis.keys(prefix + "*").forEach(jedis::del);
    jedis.close();
  }

  private SharedRatewatch shared(int maxSeries, long threshold, Duration window) {
    return new SharedRatewatch(jedis, prefix, maxSeries, Duration.ofHours(1), threshold, window);
  }

  @Test
  void instancesAddUpAndTheFlagFiresOncePerEpisode() {
    SharedRatewatch one = shared(200, 10, Duration.ofMinutes(10));
    SharedRatewatch two = shared(200, 10, Duration.ofMinutes(10));
    assertEquals(List.of(), one.sync(Map.of("user|a", 6L), Map.of("a", 6L)));
    assertEquals(
        List.of("a"), two.sync(Map.of("user|a", 5L), Map.of("a", 5L)), "11 >= 10 cluster-wide");
    assertEquals(List.of(), one.sync(Map.of("user|a", 50L), Map.of("a", 50L)), "set once");
    List<Episode> episodes = two.episodes(Instant.now());
    assertEquals(1, episodes.size());
    assertEquals("user", episodes.get(0).refusalClass());
    assertEquals("a", episodes.get(0).key());
    assertEquals(61, episodes.get(0).count());
  }

  @Test
  void atMostMaxSeriesAreKeptTheLeastRecentlyThrottledGoFirst() {
    SharedRatewatch s = shared(3, 1000, Duration.ofMinutes(10));
    for (int i = 0; i < 5; i++) {
      s.sync(Map.of("ip|10.0.0." + i, 1L), Map.of());
      TestRedis.pass(jedis, Duration.ofMillis(2));
    }
    List<String> keys = s.episodes(Instant.now()).stream().map(Episode::key).toList();
    assertEquals(List.of("10.0.0.4", "10.0.0.3", "10.0.0.2"), keys);
    assertEquals(3L, jedis.hlen(prefix + "count"), "evicted series leave no counts behind");
  }

  @Test
  void refusalsOlderThanTheWindowDoNotCount() {
    SharedRatewatch s = shared(200, 10, Duration.ofMillis(600));
    s.sync(Map.of(), Map.of("b", 9L));
    TestRedis.pass(jedis, Duration.ofMillis(700));
    assertEquals(List.of(), s.sync(Map.of(), Map.of("b", 9L)), "the first nine left the window");
    assertEquals(List.of("b"), s.sync(Map.of(), Map.of("b", 1L)), "ten within it");
    assertTrue(jedis.pttl(prefix + "f:b") > 0, "bucket keys expire");
  }
}
