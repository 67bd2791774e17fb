package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.Eventually;
import dev.rpcshield.testing.MapConfig;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls to an upstream over its WebSocket connection, on a scripted WebSocket client, a real HTTP
 * upstream that answers {@code "http"}, and a clock moved by hand: which way each call goes, and
 * what a refused, lost, stalled or flooding connection does to the calls.
 */
class CallSocketsTest {
  private static final URI WS = URI.create("ws://127.0.0.1:9");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

  private final ScriptedUpstreams webSockets = new ScriptedUpstreams();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
  private final HttpUpstreamTransport http = new HttpUpstreamTransport(Duration.ofSeconds(1), 4096);
  private final AtomicInteger httpCalls = new AtomicInteger();
  private HttpServer server;
  private Network network;
  private CallSockets calls;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          httpCalls.incrementAndGet();
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          Matcher id = ID.matcher(body);
          byte[] answer =
              ("{\"jsonrpc\":\"2.0\",\"id\":"
                      + (id.find() ? id.group(1) : "null")
                      + ",\"result\":\"http\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
    use(Map.of("rpcshield.upstream.u1.calls-over-ws", "true"));
  }

  @AfterEach
  void stop() {
    calls.close();
    http.close();
    server.stop(0);
  }

  /**
   * A network of upstream u1 (HTTP and WebSocket) on chain 1, with {@code more} settings (calls go
   * over the WebSocket only with calls-over-ws=true).
   */
  private void use(Map<String, String> more) {
    Map<String, String> v = new HashMap<>();
    v.put("rpcshield.upstreams", "u1=http://127.0.0.1:" + server.getAddress().getPort());
    v.put("rpcshield.upstreams.ws", "u1=" + WS);
    v.put("rpcshield.chain-id", "1");
    v.put("rpcshield.upstream.max-response-bytes", "4096");
    v.putAll(more);
    NetworkConfig config = NetworksConfig.read(new Settings(new MapConfig(v))).networks().get(0);
    network = new Network(config, http, webSockets, clock, (delay, task) -> () -> {});
    calls = new CallSockets(network, http, webSockets, clock);
  }

  private Upstream u1() {
    return network.upstreams().get(0);
  }

  private CompletableFuture<byte[]> call(long id) {
    return call(id, TIMEOUT);
  }

  private CompletableFuture<byte[]> call(long id, Duration timeout) {
    byte[] payload =
        ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"eth_call\",\"params\":[]}")
            .getBytes(StandardCharsets.UTF_8);
    return calls.sendCall(u1(), payload, id, timeout, "203.0.113.9", null);
  }

  /** The result the call got: "http" from the HTTP upstream, true over the WebSocket. */
  private static String result(CompletableFuture<byte[]> answer) {
    String body = new String(answer.join(), StandardCharsets.UTF_8);
    Matcher result = Pattern.compile("\"result\":(\"http\"|true)").matcher(body);
    assertTrue(result.find(), body);
    return result.group(1).equals("true") ? "websocket" : "http";
  }

  private static UpstreamFailure failure(CompletableFuture<byte[]> answer) {
    CompletionException e =
        org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, answer::join);
    return UpstreamException.of(e.getCause()).failure();
  }

  @Test
  void theFirstCallGoesOverHttpAndTheNextOnesOverTheConnectionOnceItAnsweredTheChainId() {
    assertEquals("http", result(call(1)));
    assertEquals(1, webSockets.attempts.get(), "the first call starts the connection");
    assertEquals(List.of("eth_chainId"), webSockets.last().methods);
    assertEquals("websocket", calls.way(u1()));
    for (long id = 2; id < 12; id++) {
      assertEquals("websocket", result(call(id)));
    }
    assertEquals(1, httpCalls.get());
    assertEquals(1, webSockets.attempts.get(), "one connection for every call");
    assertEquals(11, webSockets.last().methods.size());
    String body = new String(call(77).join(), StandardCharsets.UTF_8);
    assertTrue(body.contains("\"id\":77"), "the answer keeps the call's id: " + body);
  }

  @Test
  void aConnectionOnAnotherChainIsNeverUsedAndIsTriedAgainLessAndLessOften() {
    webSockets.chains.put(WS, 5L);
    assertEquals("http", result(call(1)));
    assertTrue(webSockets.last().aborted, "the connection on chain 5 was dropped");
    assertEquals("http", result(call(2)));
    assertEquals(1, webSockets.attempts.get(), "not again within a second");
    clock.advance(Duration.ofSeconds(1));
    assertEquals("http", result(call(3)));
    assertEquals(2, webSockets.attempts.get());
    clock.advance(Duration.ofSeconds(1));
    assertEquals("http", result(call(4)));
    assertEquals(2, webSockets.attempts.get(), "the pause doubled after the second refusal");
    clock.advance(Duration.ofSeconds(1));
    call(5).join();
    assertEquals(3, webSockets.attempts.get());
    assertEquals("http", calls.way(u1()));
    assertEquals(5, httpCalls.get());
  }

  @Test
  void aLostConnectionFailsTheCallsOnItAndTheNextGoOverHttpUntilItIsMadeAgain() {
    call(1).join();
    webSockets.silent = true;
    CompletableFuture<byte[]> stranded = call(2);
    assertFalse(stranded.isDone());
    webSockets.last().drop();
    assertEquals(UpstreamFailure.Kind.IO, failure(stranded).kind());
    assertEquals("http", calls.way(u1()));
    webSockets.silent = false;
    assertEquals("http", result(call(3)));
    clock.advance(Duration.ofSeconds(1));
    assertEquals("http", result(call(4)), "the call that starts the new connection");
    assertEquals(2, webSockets.attempts.get());
    assertEquals("websocket", result(call(5)));
  }

  @Test
  void aCallThatTimesOutIsForgottenAndAConnectionSilentForAWholeTimeoutIsGivenUp() {
    call(1).join();
    webSockets.silent = true;
    CompletableFuture<byte[]> unanswered = call(2, Duration.ofMillis(200));
    assertEquals(UpstreamFailure.Kind.TIMEOUT, failure(unanswered).kind());
    // The deadline gives the connection up right after it completes the call, on its own thread:
    // the connection is aborted, then forgotten, so the next calls go over HTTP.
    Eventually.within(
            Duration.ofSeconds(5), "the connection silent for the whole timeout is given up")
        .until(() -> webSockets.last().aborted && calls.way(u1()).equals("http"));
    webSockets.silent = false;
    assertEquals("http", result(call(3)));
  }

  @Test
  void aCancelledCallLeavesAQuietConnectionAlone() throws Exception {
    call(1).join();
    webSockets.silent = true;
    Thread.sleep(100); // nothing comes on the connection for longer than the next call's timeout
    CompletableFuture<byte[]> lostHedge = call(2, Duration.ofMillis(50));
    lostHedge.cancel(true);
    assertFalse(webSockets.last().aborted, "a hedge that lost is no sign of a dead connection");
    assertEquals("websocket", calls.way(u1()));
  }

  @Test
  void anUpstreamThatLeftOrAClosedTransportGetsNoConnection() {
    call(1).join();
    ScriptedUpstreams.Connection first = webSockets.last();
    u1().remove();
    assertEquals("http", result(call(2)));
    assertTrue(first.aborted, "its connection closed");
    assertEquals(1, webSockets.attempts.get(), "and none made again");

    use(Map.of("rpcshield.upstream.u1.calls-over-ws", "true"));
    calls.close();
    assertEquals("http", result(call(3)));
    clock.advance(Duration.ofSeconds(5));
    assertEquals("http", result(call(4)));
    assertEquals(1, webSockets.attempts.get(), "a closed transport makes no connection");
  }

  @Test
  void aMessageOverTheSizeCapGivesTheConnectionUpAndTheCallFailsAsTheConnectionsFault() {
    call(1).join();
    webSockets.silent = true;
    CompletableFuture<byte[]> flooded = call(2);
    ScriptedUpstreams.Connection c = webSockets.last();
    c.listener.onText(
        c.socket, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"" + "a".repeat(3000), false);
    c.listener.onText(c.socket, "b".repeat(3000) + "\"}", true);
    assertEquals(UpstreamFailure.Kind.IO, failure(flooded).kind());
    assertTrue(c.aborted);
    assertEquals("http", calls.way(u1()));
  }

  @Test
  void byDefaultAndForSubmissionsAndUpstreamsThatForwardTheCallersAddressCallsStayOnHttp() {
    byte[] tx =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\",\"params\":[\"0x00\"]}"
            .getBytes(StandardCharsets.UTF_8);
    calls.send(u1(), tx, TIMEOUT, null, true).join();
    assertEquals(0, webSockets.attempts.get(), "only sendCall uses the connection");
    List<Map<String, String>> settings =
        List.of(
            Map.of(),
            Map.of("rpcshield.upstream.u1.calls-over-ws", "false"),
            Map.of(
                "rpcshield.upstream.u1.calls-over-ws", "true",
                "rpcshield.upstream.u1.forward-client-ip", "true"));
    for (Map<String, String> more : settings) {
      calls.close();
      use(more);
      for (long id = 1; id < 4; id++) {
        assertEquals("http", result(call(id)), more.toString());
      }
      assertEquals(0, webSockets.attempts.get(), more.toString());
    }
  }

  @Test
  void aReloadThatMovesTheWebSocketUpstreamClosesTheOldConnection() {
    call(1).join();
    ScriptedUpstreams.Connection old = webSockets.last();
    Map<String, String> v = new HashMap<>();
    v.put("rpcshield.upstreams", "u1=http://127.0.0.1:" + server.getAddress().getPort());
    v.put("rpcshield.upstreams.ws", "u1=ws://127.0.0.1:10");
    v.put("rpcshield.upstream.u1.calls-over-ws", "true");
    v.put("rpcshield.chain-id", "1");
    network.apply(
        network.plan(NetworksConfig.read(new Settings(new MapConfig(v))).networks().get(0)));
    assertEquals("http", result(call(2)), "the new one is being made");
    assertTrue(old.aborted, "the old one closed");
    assertEquals(URI.create("ws://127.0.0.1:10"), webSockets.last().url);
    assertEquals("websocket", result(call(3)));
  }
}
