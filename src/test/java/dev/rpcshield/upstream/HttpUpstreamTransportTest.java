package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP transport against a real HTTP server on loopback. */
class HttpUpstreamTransportTest {
  private static final byte[] CALL =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}".getBytes(StandardCharsets.UTF_8);

  private final HttpUpstreamTransport transport =
      new HttpUpstreamTransport(Duration.ofSeconds(2), 1000);
  private HttpServer server;

  @AfterEach
  void stop() {
    transport.close();
    if (server != null) {
      server.stop(0);
    }
  }

  private Upstream serving(HttpHandler handler, Duration timeout, boolean forwardClientIp)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", handler);
    server.start();
    return upstream(server.getAddress().getPort(), "/rpc", timeout, forwardClientIp);
  }

  private static Upstream upstream(
      int port, String path, Duration timeout, boolean forwardClientIp) {
    return new Upstream(
        new UpstreamSettings(
            "a",
            URI.create("http://127.0.0.1:" + port + path),
            timeout,
            0,
            1,
            0,
            0,
            Map.of("Authorization", "Bearer t"),
            forwardClientIp,
            10,
            true,
            0,
            UpstreamSettings.STATE_RECHECK),
        new CircuitBreaker(Clock.systemUTC(), 3, Duration.ofSeconds(10)),
        Clock.systemUTC());
  }

  private static void answer(HttpExchange x, int status, byte[] body) throws IOException {
    x.getRequestBody().readAllBytes();
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  private static UpstreamFailure failure(ThrowingCall call) {
    return assertThrows(UpstreamException.class, call::run).failure();
  }

  private interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void postsTheCallWithTheUpstreamsHeadersAndReturnsTheAnswer() throws Exception {
    AtomicReference<HttpExchange> seen = new AtomicReference<>();
    AtomicReference<byte[]> received = new AtomicReference<>();
    Upstream u =
        serving(
            x -> {
              seen.set(x);
              received.set(x.getRequestBody().readAllBytes());
              answer(x, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}".getBytes());
            },
            Duration.ofSeconds(2),
            false);

    byte[] body = transport.exchange(u, CALL, Duration.ofSeconds(2), "203.0.113.9", false);

    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}", new String(body));
    assertArrayEquals(CALL, received.get());
    assertEquals("POST", seen.get().getRequestMethod());
    assertEquals("/rpc", seen.get().getRequestURI().getPath());
    assertTrue(
        seen.get().getRequestHeaders().getFirst("Content-Type").startsWith("application/json"));
    assertEquals("Bearer t", seen.get().getRequestHeaders().getFirst("Authorization"));
    assertNull(seen.get().getRequestHeaders().getFirst("X-Forwarded-For"));
  }

  @Test
  void aConfiguredHostOrAcceptHeaderReplacesTheDefaultInsteadOfDoublingIt() throws Exception {
    AtomicReference<HttpExchange> seen = new AtomicReference<>();
    serving(
        x -> {
          seen.set(x);
          answer(x, 200, "{}".getBytes());
        },
        Duration.ofSeconds(2),
        false);
    Upstream u =
        new Upstream(
            new UpstreamSettings(
                "a",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
                Duration.ofSeconds(2),
                0,
                1,
                0,
                0,
                Map.of("host", "node.internal", "Accept", "application/json-rpc"),
                false,
                10,
                true,
                0,
                UpstreamSettings.STATE_RECHECK),
            new CircuitBreaker(Clock.systemUTC(), 3, Duration.ofSeconds(10)),
            Clock.systemUTC());

    transport.exchange(u, CALL, Duration.ofSeconds(2), null, false);

    assertEquals(List.of("node.internal"), seen.get().getRequestHeaders().get("Host"));
    assertEquals(List.of("application/json-rpc"), seen.get().getRequestHeaders().get("Accept"));
  }

  @Test
  void sendsTheCallersAddressOnlyToAnUpstreamConfiguredForIt() throws Exception {
    AtomicReference<String> forwarded = new AtomicReference<>();
    Upstream u =
        serving(
            x -> {
              forwarded.set(x.getRequestHeaders().getFirst("X-Forwarded-For"));
              answer(x, 200, "{}".getBytes());
            },
            Duration.ofSeconds(2),
            true);

    transport.exchange(u, CALL, Duration.ofSeconds(2), "203.0.113.9", false);

    assertEquals("203.0.113.9", forwarded.get());
  }

  @Test
  void aStatusOtherThan200IsAProviderFault() throws Exception {
    Upstream u = serving(x -> answer(x, 429, "slow down".getBytes()), Duration.ofSeconds(2), false);

    UpstreamFailure f =
        failure(() -> transport.exchange(u, CALL, Duration.ofSeconds(2), null, false));

    assertEquals(Kind.HTTP_STATUS, f.kind());
    assertEquals("HTTP 429", f.reason());
  }

  @Test
  void anAnswerUpToTheCapArrivesAndOneByteMoreIsRefused() throws Exception {
    byte[] atCap = new byte[1000];
    Arrays.fill(atCap, (byte) 'x');
    Upstream u =
        serving(
            x -> {
              x.getRequestBody().readAllBytes();
              boolean over = x.getRequestURI().getQuery() != null;
              x.sendResponseHeaders(200, 0);
              try (OutputStream out = x.getResponseBody()) {
                for (int i = 0; i < 10; i++) {
                  out.write(atCap, i * 100, 100);
                  out.flush();
                }
                if (over) {
                  out.write('x');
                }
              }
            },
            Duration.ofSeconds(2),
            false);
    Upstream over =
        upstream(server.getAddress().getPort(), "/rpc?more", Duration.ofSeconds(2), false);

    assertEquals(1000, transport.exchange(u, CALL, Duration.ofSeconds(2), null, false).length);
    UpstreamFailure f =
        failure(() -> transport.exchange(over, CALL, Duration.ofSeconds(2), null, false));
    assertEquals(Kind.TOO_LARGE, f.kind());
  }

  @Test
  void anAnswerDeclaringMoreThanTheCapIsRefusedBeforeItsBodyArrives() throws Exception {
    Upstream u =
        serving(
            x -> {
              x.getRequestBody().readAllBytes();
              x.sendResponseHeaders(200, 1_000_000);
              try (OutputStream out = x.getResponseBody()) {
                out.write('{');
                out.flush();
                Thread.sleep(5_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            Duration.ofSeconds(10),
            false);

    UpstreamFailure f =
        failure(() -> transport.exchange(u, CALL, Duration.ofSeconds(3), null, false));

    assertEquals(Kind.TOO_LARGE, f.kind());
  }

  @Test
  void anAnswerDrippingPastTheDeadlineTimesOutAtTheDeadline() throws Exception {
    Upstream u =
        serving(
            x -> {
              x.getRequestBody().readAllBytes();
              x.sendResponseHeaders(200, 0);
              try (OutputStream out = x.getResponseBody()) {
                for (int i = 0; i < 50; i++) {
                  out.write(' ');
                  out.flush();
                  Thread.sleep(100);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            Duration.ofSeconds(2),
            false);

    long start = System.nanoTime();
    UpstreamFailure f =
        failure(() -> transport.exchange(u, CALL, Duration.ofMillis(500), null, false));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertEquals(Kind.TIMEOUT, f.kind());
    assertEquals("timed out after 500 ms", f.reason());
    assertTrue(tookMillis >= 450 && tookMillis < 2500, "took " + tookMillis + " ms");
  }

  @Test
  void aRefusedConnectionMeansTheUpstreamCannotHaveReceivedTheCall() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Upstream u = upstream(port, "/rpc", Duration.ofSeconds(2), false);

    UpstreamFailure f =
        failure(() -> transport.exchange(u, CALL, Duration.ofSeconds(2), null, true));

    assertEquals(Kind.CONNECT, f.kind());
  }

  @Test
  void aCallerInterruptedWhileWaitingStopsWaitingAtOnce() throws Exception {
    Upstream u =
        serving(
            x -> {
              try {
                Thread.sleep(5_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              answer(x, 200, "{}".getBytes());
            },
            Duration.ofSeconds(10),
            false);
    CompletableFuture<UpstreamFailure> outcome = new CompletableFuture<>();
    Thread caller =
        Thread.ofVirtual()
            .start(() -> {
              try {
                transport.exchange(u, CALL, Duration.ofSeconds(10), null, false);
                outcome.complete(null);
              } catch (UpstreamException e) {
                outcome.complete(e.failure());
              }
            });
    Thread.sleep(300);

    caller.interrupt();

    UpstreamFailure f = outcome.get(2, TimeUnit.SECONDS);
    assertEquals(Kind.IO, f.kind());
    assertEquals("interrupted", f.reason());
  }

  /**
   * A raw HTTP/1.1 server on loopback: counts the connections it accepts and answers each request
   * with {@code answer}, given the connection's request number (from 1); a null answer closes the
   * connection without one.
   */
  private static final class RawServer implements AutoCloseable {
    final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    RawServer(IntFunction<String> answer) throws IOException {
      Thread.ofVirtual()
          .start(() -> {
            while (!socket.isClosed()) {
              try {
                Socket c = socket.accept();
                connections.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(c, answer));
              } catch (IOException closed) {
                return;
              }
            }
          });
    }

    private void serve(Socket c, IntFunction<String> answer) {
      try (c) {
        BufferedInputStream in = new BufferedInputStream(c.getInputStream());
        for (int n = 1; ; n++) {
          int length = -1;
          for (String line; !(line = readLine(in)).isEmpty(); ) {
            if (line.toLowerCase().startsWith("content-length:")) {
              length = Integer.parseInt(line.substring(15).trim());
            }
          }
          in.readNBytes(length);
          requests.incrementAndGet();
          String reply = answer.apply(n);
          if (reply == null) {
            return;
          }
          c.getOutputStream().write(reply.getBytes(StandardCharsets.ISO_8859_1));
          c.getOutputStream().flush();
        }
      } catch (IOException | RuntimeException ended) {
        // the client went away
      }
    }

    private static String readLine(BufferedInputStream in) throws IOException {
      StringBuilder b = new StringBuilder();
      for (int ch; (ch = in.read()) != '\n'; ) {
        if (ch < 0) {
          throw new IOException("closed");
        }
        if (ch != '\r') {
          b.append((char) ch);
        }
      }
      return b.toString();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static String ok(String body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
  }

  @Test
  void callsOneAfterAnotherShareOneKeptAliveConnection() throws Exception {
    try (RawServer server = new RawServer(n -> ok("{\"n\":" + n + "}"))) {
      Upstream u = upstream(server.port(), "/", Duration.ofSeconds(2), false);
      for (int i = 1; i <= 5; i++) {
        byte[] body = transport.exchange(u, CALL, Duration.ofSeconds(2), null, false);
        assertEquals("{\"n\":" + i + "}", new String(body, StandardCharsets.UTF_8));
      }
      assertEquals(1, server.connections.get());
    }
  }

  @Test
  void aConnectionTheUpstreamSaysItClosesIsNotReused() throws Exception {
    try (RawServer server =
        new RawServer(n -> "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}")) {
      Upstream u = upstream(server.port(), "/", Duration.ofSeconds(2), false);
      for (int i = 0; i < 3; i++) {
        assertEquals(
            "{}", new String(transport.exchange(u, CALL, Duration.ofSeconds(2), null, false)));
      }
      assertEquals(3, server.connections.get());
      assertEquals(3, server.requests.get());
    }
  }

  @Test
  void aKeptAliveConnectionClosedBeforeAnyAnswerByteIsTheUpstreamsFaultAndIsNotReused()
      throws Exception {
    try (RawServer server = new RawServer(n -> n == 1 ? ok("{\"first\":1}") : null)) {
      Upstream u = upstream(server.port(), "/", Duration.ofSeconds(2), false);
      transport.exchange(u, CALL, Duration.ofSeconds(2), null, false);

      UpstreamFailure f =
          failure(() -> transport.exchange(u, CALL, Duration.ofSeconds(2), null, false));
      assertEquals(Kind.IO, f.kind(), "it may have arrived: the retry links decide, and count it");
      assertEquals(1, server.connections.get());

      byte[] body = transport.exchange(u, CALL, Duration.ofSeconds(2), null, false);
      assertEquals("{\"first\":1}", new String(body, StandardCharsets.UTF_8));
      assertEquals(2, server.connections.get());
      assertEquals(3, server.requests.get());
    }
  }

  @Test
  void aSubmissionIsNeverSentOnAKeptAliveConnectionNorSentTwice() throws Exception {
    try (RawServer server = new RawServer(n -> n == 1 ? ok("{}") : null)) {
      Upstream u = upstream(server.port(), "/", Duration.ofSeconds(2), false);
      transport.exchange(u, CALL, Duration.ofSeconds(2), null, false);

      assertEquals(
          "{}", new String(transport.exchange(u, CALL, Duration.ofSeconds(2), null, true)));
      assertEquals(2, server.connections.get());
      assertEquals(2, server.requests.get());
    }
    try (RawServer server = new RawServer(n -> null)) {
      Upstream u = upstream(server.port(), "/", Duration.ofSeconds(2), false);
      UpstreamFailure f =
          failure(() -> transport.exchange(u, CALL, Duration.ofSeconds(2), null, true));
      assertEquals(Kind.IO, f.kind());
      assertEquals(1, server.requests.get());
    }
  }

  @Test
  void manyCallsAtOnceAreEachAnsweredWithTheirOwnAnswer() throws Exception {
    try (RawServer server = new RawServer(n -> ok("{\"n\":" + n + "}"))) {
      Upstream u = upstream(server.port(), "/", Duration.ofSeconds(5), false);
      List<CompletableFuture<byte[]>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        calls.add(transport.send(u, CALL, Duration.ofSeconds(5), null, false));
      }
      int answered = 0;
      for (CompletableFuture<byte[]> c : calls) {
        assertTrue(new String(c.get(5, TimeUnit.SECONDS)).startsWith("{\"n\":"));
        answered++;
      }
      assertEquals(200, answered);
      assertEquals(200, server.requests.get());
    }
  }
}
