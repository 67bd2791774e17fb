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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain TCP relay on loopback, for a store the tests must not stop for everyone (the shared
 * PostgreSQL): {@link #cut()} closes every connection and refuses new ones, as a dead database host
 * would; {@link #restore()} listens again.
 */
final class TcpProxy implements AutoCloseable {
  private final int port;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;

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
        Thread.ofVirtual().start(() -> pump(target, client));
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
