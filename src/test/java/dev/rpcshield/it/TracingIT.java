package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.rpcshield.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway of its own with tracing on (OTEL_EXPORTER_OTLP_ENDPOINT set to an OTLP/HTTP receiver of
 * the test's), in front of one anvil node through a relay that keeps the headers it was sent. OpsIT
 * checks what the shared test server, with tracing off, hands on.
 */
class TracingIT {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT = "00-" + TRACE + "-00f067aa0ba902b7-01";
  private static final Anvil NODE = new Anvil(18741, 31337);
  private static final int RECEIVER_PORT = 18743;
  private static final LibertyServer SERVER = new LibertyServer("rpcshieldTracing", 18563);
  private static final Gateway GATEWAY = Gateway.at(SERVER.uri());
  private static final List<byte[]> EXPORTED = new CopyOnWriteArrayList<>();
  private static Relays relays;
  private static HttpServer receiver;

  @BeforeAll
  static void start() throws IOException {
    NODE.start();
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", RECEIVER_PORT), 0);
    receiver.createContext(
        "/v1/traces",
        exchange -> {
          byte[] body =
              read(
                  exchange.getRequestBody(),
                  exchange.getRequestHeaders().getFirst("Content-Encoding"));
          EXPORTED.add(body);
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    relays = new Relays(URI.create(NODE.url()), 18742, 1);
    SERVER.start(
        Relays.gateway(
            relays.upstreams(1),
            "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:" + RECEIVER_PORT,
            "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
            "OTEL_BSP_SCHEDULE_DELAY=200"));
  }

  @AfterAll
  static void stop() {
    SERVER.stop();
    relays.close();
    receiver.stop(0);
    NODE.close();
  }

  private static byte[] read(InputStream in, String encoding) {
    try (InputStream body = "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(in) : in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      body.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether an exported batch holds {@code bytes} (a span's name, or an id as OTLP's 16 bytes). */
  private static boolean exported(byte[] bytes) {
    for (byte[] batch : EXPORTED) {
      if (indexOf(batch, bytes) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static int indexOf(byte[] in, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= in.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (in[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void aClientsTraceReachesTheUpstreamAndItsSpansReachTheCollector() {
    Gateway.Response r =
        GATEWAY.post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}",
            "traceparent",
            CLIENT);
    assertEquals(200, r.status(), r.body());
    String requestId = r.header("X-Request-Id");

    String sent = relays.u(1).lastHeader("traceparent");
    assertTrue(sent != null && sent.startsWith("00-" + TRACE + "-"), "the upstream got: " + sent);
    assertNotEquals(CLIENT, sent, "a span of the gateway's own is the upstream's parent");
    byte[] attemptSpan = HexFormat.of().parseHex(sent.substring(36, 52));

    Eventually.within(Duration.ofSeconds(20), "the request's spans are exported")
        .until(() ->
            exported(HexFormat.of().parseHex(TRACE))
                && exported(attemptSpan)
                && exported("rpcshield.upstream".getBytes(StandardCharsets.UTF_8))
                && exported("rpcshield.admission".getBytes(StandardCharsets.UTF_8))
                && exported("eth_blockNumber".getBytes(StandardCharsets.UTF_8))
                // only the request's own span names its request id
                && exported(requestId.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aMalformedTraceparentIsNeitherTakenNorSentOn() {
    Gateway.Response r =
        GATEWAY.post(
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_blockNumber\",\"params\":[]}",
            "traceparent",
            "00-" + TRACE + "-00f067aa0ba902b7-01-extra");
    assertEquals(200, r.status(), r.body());
    String sent = relays.u(1).lastHeader("traceparent");
    assertTrue(sent != null && !sent.contains(TRACE), "a trace of the gateway's own: " + sent);
  }
}
