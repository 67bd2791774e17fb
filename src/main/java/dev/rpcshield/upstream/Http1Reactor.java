package dev.rpcshield.upstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One selector and the platform thread that serves it: it finishes connects, reads answers and
 * completes them, and writes what a caller's thread could not write at once. Callers hand it work
 * with {@link #execute}, which wakes the selector; a request on a connection that is already
 * registered needs no hand-off at all.
 */
final class Http1Reactor implements AutoCloseable {
  private final Selector selector;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Thread thread;

  Http1Reactor(String name) {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    thread = Thread.ofPlatform().daemon().name(name).start(this::loop);
  }

  Selector selector() {
    return selector;
  }

  boolean inReactor() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on the reactor's thread. */
  void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  private void loop() {
    try {
      while (selector.isOpen()) {
        selector.select(Http1Reactor::ready);
        for (Runnable task; (task = tasks.poll()) != null; ) {
          task.run();
        }
      }
    } catch (ClosedSelectorException | IOException closed) {
      // closed with the transport
    }
  }

  private static void ready(SelectionKey key) {
    ((Http1Connection) key.attachment()).ready(key);
  }

  @Override
  public void close() {
    try {
      selector.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
