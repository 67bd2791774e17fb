/*
 * TCP proxy that can delay every byte a client sends, for bench/faults ("Redis slowed by +500 ms").
 *
 *   java DelayProxy.java --listen 19178 --target 19179 --mode-file F
 *
 * Forwards 127.0.0.1:<listen> to 127.0.0.1:<target>. F is re-read every 100 ms and holds the delay
 * in milliseconds (missing or empty: 0). Each chunk read from a client is written to the target
 * `delay` ms after it arrived, in order (a queue per connection, so pipelined commands keep their
 * order and each is late by the delay, not by the sum of the delays before it); answers flow back
 * at once. A delay in front of Redis therefore adds it to every command, whichever client sends it,
 * which `DEBUG SLEEP` in a loop would not (it blocks the whole server between sleeps, then lets a
 * queue through). When the target refuses a connection, the client's connection is reset at once,
 * so a stopped Redis behind the proxy looks to the client like a refused connection.
 */

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

public class DelayProxy {
  static volatile int delayMs;
  static final AtomicLong CONNECTIONS = new AtomicLong();

  record Chunk(long due, byte[] data) {}

  static final Chunk EOF = new Chunk(0, null);

  public static void main(String[] args) throws Exception {
    int listen = 0, target = 0;
    Path modeFile = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--listen" -> listen = Integer.parseInt(args[++i]);
        case "--target" -> target = Integer.parseInt(args[++i]);
        case "--mode-file" -> modeFile = Path.of(args[++i]);
        default -> {
          System.err.println("usage: java DelayProxy.java --listen N --target N [--mode-file F]");
          System.exit(2);
        }
      }
    }
    if (modeFile != null) watch(modeFile);
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listen), 1024);
    System.out.println("delay proxy 127.0.0.1:" + listen + " -> 127.0.0.1:" + target);
    System.out.flush();
    int to = target;
    while (true) {
      Socket client = server.accept();
      CONNECTIONS.incrementAndGet();
      Thread.ofVirtual().start(() -> serve(client, to));
    }
  }

  static void watch(Path file) {
    Thread.ofPlatform()
        .daemon()
        .start(() -> {
          int last = -1;
          while (true) {
            int d;
            try {
              String s = Files.readString(file).trim();
              d = s.isEmpty() ? 0 : Integer.parseInt(s);
            } catch (IOException | NumberFormatException e) {
              d = 0;
            }
            delayMs = d;
            if (d != last) {
              System.out.println("delay now " + d + " ms");
              System.out.flush();
              last = d;
            }
            try {
              Thread.sleep(100);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
  }

  static void serve(Socket client, int target) {
    Socket upstream = new Socket();
    try {
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 1000);
    } catch (IOException e) {
      reset(client);
      return;
    }
    LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Thread.ofVirtual()
        .start(() -> { // client -> queue
          try {
            InputStream in = client.getInputStream();
            byte[] buf = new byte[16384];
            int n;
            while ((n = in.read(buf)) > 0) {
              queue.add(new Chunk(System.nanoTime() + delayMs * 1_000_000L, Arrays.copyOf(buf, n)));
            }
          } catch (Exception e) {
            // closed (a socket closed under a blocked read can surface as an unchecked exception)
          }
          queue.add(EOF);
        });
    Thread.ofVirtual()
        .start(() -> { // queue -> target, each chunk at its due time
          try {
            OutputStream out = upstream.getOutputStream();
            while (true) {
              Chunk c = queue.take();
              if (c == EOF) break;
              long wait = c.due() - System.nanoTime();
              if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
              out.write(c.data());
              out.flush();
            }
          } catch (IOException | InterruptedException e) {
            // gone
          }
          close(upstream);
          close(client);
        });
    try { // target -> client, at once
      InputStream in = upstream.getInputStream();
      OutputStream out = client.getOutputStream();
      byte[] buf = new byte[16384];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // closed
    }
    close(upstream);
    close(client);
  }

  static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // already gone
    }
    close(s);
  }

  static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // gone
    }
  }
}
