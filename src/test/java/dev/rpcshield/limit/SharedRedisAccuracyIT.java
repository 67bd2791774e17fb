package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two independent store clients (as two gateway instances would hold) share one Redis and push one
 * key at twice its rate for 10 s: what they admit together stays within rate × seconds + burst.
 */
class SharedRedisAccuracyIT {
  @Test
  void twoInstancesShareOneLimit() throws Exception {
    double rate = 50;
    long burst = 10;
    int seconds = 10;
    String key = "rpcshield-test:" + UUID.randomUUID() + ":acc";
    Rule rule = Rule.bucket("rps", key, burst, rate, 1);
    AtomicInteger admitted = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    try (RedisLimiterStore a =
            new RedisLimiterStore(TestRedis.connection(TestRedis.URI.toString()));
        RedisLimiterStore b =
            new RedisLimiterStore(TestRedis.connection(TestRedis.URI.toString()))) {
      for (RedisLimiterStore store : List.of(a, b)) {
        for (int t = 0; t < 2; t++) {
          threads.add(
              Thread.ofPlatform()
                  .start(() -> {
                    long next = System.nanoTime();
                    while (next < end) {
                      if (store.chargeOne(List.of(rule)).allowed()) {
                        admitted.incrementAndGet();
                      }
                      next += 40_000_000L;
                      long pause = next - System.nanoTime();
                      if (pause > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(pause);
                      }
                    }
                  }));
        }
      }
      for (Thread t : threads) {
        t.join();
      }
    }
    double ceiling = (rate * seconds + burst) * 1.01;
    assertTrue(admitted.get() <= ceiling, "admitted " + admitted + " > " + ceiling);
    assertTrue(
        admitted.get() >= 0.5 * rate * seconds,
        "admitted only " + admitted + ": the shared bucket refuses far too much");
  }
}
