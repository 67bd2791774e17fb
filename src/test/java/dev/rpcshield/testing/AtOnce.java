package dev.rpcshield.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs the same work on several threads released together, so that tests of lock-free state see
 * them race instead of taking turns.
 */
public final class AtOnce implements AutoCloseable {
  private final int threads;
  private final ExecutorService pool;

  public AtOnce(int threads) {
    this.threads = threads;
    this.pool = Executors.newFixedThreadPool(threads);
  }

  /** Runs {@code work} once on each thread, all started together; returns each thread's result. */
  public <T> List<T> run(Callable<T> work) throws Exception {
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Future<T>> running = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      running.add(
          pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            return work.call();
          }));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> f : running) {
      results.add(f.get(30, TimeUnit.SECONDS));
    }
    return results;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
