package dev.rpcshield.upstream;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** Runs one task per item on the watcher's threads and waits for all of them. */
final class FanOut {
  private FanOut() {}

  static <T> void each(Collection<T> items, Consumer<? super T> task, Executor threads) {
    CompletableFuture.allOf(
            items.stream()
                .map(item -> CompletableFuture.runAsync(() -> task.accept(item), threads))
                .toArray(CompletableFuture[]::new))
        .join();
  }
}
