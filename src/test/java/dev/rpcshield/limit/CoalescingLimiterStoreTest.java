package dev.rpcshield.limit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The coalescing store keeps every store's contract and shares calls among concurrent bodies. */
class CoalescingLimiterStoreTest extends LimiterStoreContract {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final CoalescingLimiterStore store =
      new CoalescingLimiterStore(new InMemoryLimiterStore(clock, 1000), 4);

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

  /** A store whose first call waits until released, recording the bodies of every call. */
  private static final class HeldStore implements LimiterStore {
    final InMemoryLimiterStore inner =
        new InMemoryLimiterStore(new MutableClock(Instant.parse("2026-11-22T10:00:00Z")), 1000);
    final List<Integer> callSizes = new CopyOnWriteArrayList<>();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile RuntimeException failSecondWith;

    @Override
    public List<Decision> charge(List<List<Rule>> members) {
      callSizes.add(members.size());
      if (callSizes.size() == 1) {
        entered.countDown();
        try {
          release.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      } else if (failSecondWith != null && callSizes.size() == 2) {
        throw failSecondWith;
      }
      return inner.charge(members);
    }
  }

  private static Rule rule(String key, long capacity) {
    return Rule.bucket("rps", "coalesce:" + key, capacity, 0.001, 1);
  }

  /** Starts {@code bodies} on their own threads once the first call is in flight. */
  private static List<CompletableFuture<List<Decision>>> queueBehindFirst(
      LimiterStore coalescing, HeldStore held, List<List<List<Rule>>> bodies) throws Exception {
    CompletableFuture<List<Decision>> first =
        CompletableFuture.supplyAsync(
            () -> coalescing.charge(List.of(List.of(rule("first", 1)))),
            r -> Thread.ofVirtual().start(r));
    assertTrue(held.entered.await(5, TimeUnit.SECONDS));
    List<CompletableFuture<List<Decision>>> out = new ArrayList<>();
    out.add(first);
    for (List<List<Rule>> body : bodies) {
      out.add(
          CompletableFuture.supplyAsync(
              () -> coalescing.charge(body), r -> Thread.ofVirtual().start(r)));
    }
    return out;
  }

  @Test
  void bodiesArrivingDuringACallShareTheNextCallAndGetTheirOwnDecisions() throws Exception {
    HeldStore held = new HeldStore();
    CoalescingLimiterStore coalescing = new CoalescingLimiterStore(held, 100);
    List<List<List<Rule>>> bodies = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      // Body i has i + 1 members on a bucket of capacity i: the last member of each is refused.
      List<List<Rule>> body = new ArrayList<>();
      for (int m = 0; m <= i; m++) {
        body.add(List.of(rule("body" + i, i)));
      }
      bodies.add(body);
    }
    List<CompletableFuture<List<Decision>>> futures = queueBehindFirst(coalescing, held, bodies);
    await().atMost(Duration.ofSeconds(5)).until(() -> coalescing.queued() == 10);
    held.release.countDown();
    for (int i = 0; i < 10; i++) {
      List<Decision> ds = futures.get(i + 1).get(5, TimeUnit.SECONDS);
      assertEquals(i + 1, ds.size());
      for (int m = 0; m < i; m++) {
        assertTrue(ds.get(m).allowed(), "body " + i + " member " + m);
        assertEquals(i - 1 - m, ds.get(m).remaining());
      }
      assertEquals(false, ds.get(i).allowed(), "body " + i + "'s last member");
    }
    assertTrue(futures.get(0).get(5, TimeUnit.SECONDS).get(0).allowed());
    assertEquals(List.of(1, 55), held.callSizes, "one call for the ten bodies that queued");
  }

  @Test
  void aCallCarriesAtMostTheCapExceptABodyLargerThanIt() throws Exception {
    HeldStore held = new HeldStore();
    CoalescingLimiterStore coalescing = new CoalescingLimiterStore(held, 4);
    List<List<List<Rule>>> bodies = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      bodies.add(List.of(List.of(rule("small" + i, 1)), List.of(rule("small" + i, 1))));
    }
    List<CompletableFuture<List<Decision>>> futures = queueBehindFirst(coalescing, held, bodies);
    await().atMost(Duration.ofSeconds(5)).until(() -> coalescing.queued() == 6);
    held.release.countDown();
    for (CompletableFuture<List<Decision>> f : futures) {
      f.get(5, TimeUnit.SECONDS);
    }
    assertEquals(List.of(1, 4, 4, 4), held.callSizes);
    List<List<Rule>> large = new ArrayList<>();
    for (int m = 0; m < 9; m++) {
      large.add(List.of(rule("large", 100)));
    }
    assertEquals(9, coalescing.charge(large).size());
    assertEquals(9, held.callSizes.get(4));
  }

  @Test
  void aFailedCallFailsEveryBodyItCarriedAndTheNextCallWorks() throws Exception {
    HeldStore held = new HeldStore();
    IllegalStateException down = new IllegalStateException("store down");
    held.failSecondWith = down;
    CoalescingLimiterStore coalescing = new CoalescingLimiterStore(held, 100);
    List<List<List<Rule>>> bodies = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      bodies.add(List.of(List.of(rule("failed" + i, 5))));
    }
    List<CompletableFuture<List<Decision>>> futures = queueBehindFirst(coalescing, held, bodies);
    await().atMost(Duration.ofSeconds(5)).until(() -> coalescing.queued() == 3);
    held.release.countDown();
    assertTrue(futures.get(0).get(5, TimeUnit.SECONDS).get(0).allowed());
    for (int i = 1; i <= 3; i++) {
      CompletableFuture<List<Decision>> f = futures.get(i);
      Exception e = assertThrows(Exception.class, () -> f.get(5, TimeUnit.SECONDS));
      assertSame(down, e.getCause());
    }
    assertTrue(coalescing.chargeOne(List.of(rule("after", 1))).allowed());
    assertEquals(List.of(1, 3, 1), held.callSizes);
  }

  @Test
  void manyThreadsAdmitExactlyTheBucket() throws Exception {
    CoalescingLimiterStore coalescing =
        new CoalescingLimiterStore(new InMemoryLimiterStore(clock, 1000), 256);
    Rule shared = rule("shared", 5_000);
    AtomicInteger admitted = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 32; t++) {
      threads.add(
          Thread.ofVirtual()
              .start(() -> {
                for (int i = 0; i < 500; i++) {
                  if (coalescing.chargeOne(List.of(shared)).allowed()) {
                    admitted.incrementAndGet();
                  }
                }
              }));
    }
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(20));
      assertTrue(!t.isAlive(), "a caller was left waiting");
    }
    assertEquals(5_000, admitted.get());
  }
}
