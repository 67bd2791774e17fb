package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rpcshield.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InMemoryLimiterStoreTest extends LimiterStoreContract {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final InMemoryLimiterStore store = new InMemoryLimiterStore(clock, 1000);

  @Override
  LimiterStore store() {
    return store;
  }

  @Override
  void pass(long millis) {
    clock.advance(Duration.ofMillis(millis));
  }

  @Override
  long nowEpochSecond() {
    return clock.instant().getEpochSecond();
  }

  @Test
  void keySprayingCannotGrowMemoryPastTheCap() {
    for (int i = 0; i < 5000; i++) {
      store.chargeOne(List.of(Rule.bucket("rps", "spray:" + i, 5, 1, 1)));
    }
    assertEquals(1000, store.size());
  }

  /**
   * Threads charging one caller's two buckets at once: the tight one admits exactly what it holds,
   * and the members it refused took nothing from the roomy one (their tokens were given back).
   */
  @Test
  void chargesAtOnceAdmitExactlyWhatTheBucketHoldsAndRefusalsTakeNothing() throws Exception {
    Rule roomy = Rule.bucket("rps", "race:roomy", 100_000, 0.001, 1);
    Rule tight = Rule.bucket("cu", "race:tight", 500, 0.001, 1);
    AtomicInteger allowed = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> runs = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
      for (int t = 0; t < 8; t++) {
        runs.add(
            threads.submit(() -> {
              start.await();
              for (int i = 0; i < 200; i++) {
                if (store.chargeOne(List.of(roomy, tight)).allowed()) {
                  allowed.incrementAndGet();
                }
              }
              return null;
            }));
      }
      start.countDown();
      for (Future<?> run : runs) {
        run.get();
      }
    }
    assertEquals(500, allowed.get());
    assertEquals(100_000 - 500 - 1, store.chargeOne(List.of(roomy)).remaining());
  }
}
