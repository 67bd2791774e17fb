package dev.rpcshield.it;

import dev.rpcshield.testing.Eventually;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A plain TCP relay on loopback, for a store or node the tests must not stop for everyone (the
 * shared PostgreSQL, an anvil node's WebSocket): {@link #cut()} closes every connection and refuses
 * new ones, as a dead host would; {@link #restore()} listens again; {@link #lag} holds back what
 * the target sends, as a node slow to show its blocks would.
 */
final class TcpProxy implements AutoCloseable {
  private final int port;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;
  private volatile Duration lag = Duration.ZERO;

  TcpProxy(int port, int targetPort) {
    this.port = port;
    this.targetPort = targetPort;
    restore();
  }

  /** Listens again after {@link #cut()}; does nothing while it listens. */
  synchronized void restore() {
    if (server != null && !server.isClosed()) {
      return;
    }
    // A listener just closed while its thread was in accept() lets its port go only once that
    // thread has left: binding again may have to wait a moment.
    ServerSocket s =
        Eventually.within(Duration.ofSeconds(5), "port " + port + " free to listen on again")
            .until(
                () -> {
                  ServerSocket candidate = new ServerSocket();
                  try {
                    candidate.setReuseAddress(true);
                    candidate.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    return candidate;
                  } catch (BindException taken) {
                    candidate.close();
                    return null;
                  }
                },
                java.util.Objects::nonNull);
    server = s;
    Thread.ofPlatform().daemon().name("tcp-proxy-" + port).start(() -> accept(s));
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        open.add(client);
        open.add(target);
        Thread.ofVirtual().start(() -> pump(client, target));
        Thread.ofVirtual().start(() -> lagged(target, client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16384];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // one side closed: the other is closed below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /**
   * From now on, everything the target sends reaches the client {@code lag} after it came (in its
   * order; zero relays at once again, behind what is still held back).
   */
  void lag(Duration lag) {
    this.lag = lag;
  }

  /** A chunk to relay when due; no bytes: the target's side ended, so end the client's. */
  private record Held(long dueNanos, byte[] bytes) {}

  /** Relays what {@code from} sends, each chunk held back by the lag in force when it came. */
  private void lagged(Socket from, Socket to) {
    BlockingQueue<Held> held = new LinkedBlockingQueue<>();
    Thread.ofVirtual()
        .start(() -> {
          try (OutputStream out = to.getOutputStream()) {
            for (Held h = held.take(); h.bytes() != null; h = held.take()) {
              long wait = h.dueNanos() - System.nanoTime();
              if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
              }
              out.write(h.bytes());
            }
          } catch (IOException | InterruptedException e) {
            // the client's side closed: both are closed below
          } finally {
            closeQuietly(from);
            closeQuietly(to);
          }
        });
    byte[] buffer = new byte[16384];
    try (InputStream in = from.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        held.add(new Held(System.nanoTime() + lag.toNanos(), Arrays.copyOf(buffer, n)));
      }
    } catch (IOException e) {
      // the target's side closed or was cut
    } finally {
      held.add(new Held(System.nanoTime() + lag.toNanos(), null));
    }
  }

  /** How many connections it relays now. */
  int connections() {
    return (int) open.stream().filter(s -> !s.isClosed()).count() / 2;
  }

  /** Closes the listener and every relayed connection. */
  synchronized void cut() {
    closeQuietly(server);
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // already closed
    }
  }

  @Override
  public void close() {
    cut();
  }
}
