package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.it.ChaosProxy.Mode;
import dev.rpcshield.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a careless or hostile client can send, through the public surface: every answer is JSON
 * without stack traces or container pages, bad bytes never reach an upstream, and a client that
 * hangs up is counted, not logged as a failure.
 */
class HostileInputIT extends ItBase {
  private static final Path SERVER = Path.of("target/liberty/wlp/usr/servers/rpcshieldIT");
  private static final int PORT = Integer.getInteger("it.http.port", 18545);

  /** The status line and body of one request written on a fresh connection. */
  private record Raw(String statusLine, String head, String body) {
    int status() {
      return Integer.parseInt(statusLine.split(" ", 3)[1]);
    }
  }

  private static Raw raw(String head, byte[] body) throws IOException {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", PORT)) {
      s.setSoTimeout(15_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      try {
        out.write(body);
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before it has read all of a body it refuses
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      try {
        while ((n = in.read(buf)) >= 0) {
          all.write(buf, 0, n);
          String sofar = all.toString(StandardCharsets.ISO_8859_1);
          int end = sofar.indexOf("\r\n\r\n");
          Matcher len = Pattern.compile("(?i)content-length: *(\\d+)").matcher(sofar);
          if (end > 0 && len.find() && sofar.length() >= end + 4 + Integer.parseInt(len.group(1))) {
            break;
          }
        }
      } catch (IOException e) {
        // a reset after the answer: keep what arrived
      }
      String text = all.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      assertTrue(end > 0, "an HTTP answer: " + text);
      return new Raw(
          text.substring(0, text.indexOf("\r\n")), text.substring(0, end), text.substring(end + 4));
    }
  }

  private static void assertCleanJson(String what, String body) throws IOException {
    assertTrue(body.startsWith("{"), what + " answers JSON: " + body);
    Gateway.JSON.readTree(body);
    for (String leak :
        List.of("Exception", "<html", "SRVE", "at dev.", "at com.", "127.0.0.1", "5432")) {
      assertFalse(body.contains(leak), what + " leaks " + leak + ": " + body);
    }
  }

  private static Path messagesLog() {
    return SERVER.resolve("logs/messages.log");
  }

  /** What Liberty wrote to messages.log after it was {@code from} bytes long. */
  private static String logSince(long from) throws IOException {
    Path log = messagesLog();
    try (InputStream in = Files.newInputStream(log)) {
      in.skipNBytes(Math.min(from, Files.size(log)));
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Raw post(String path) throws IOException {
    return raw(
        "POST "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: 2\r\nConnection: close\r\n\r\n",
        "{}".getBytes(StandardCharsets.US_ASCII));
  }

  private double metric(String regex) {
    Matcher m =
        Pattern.compile("(?m)^" + regex + " ([0-9.eE+-]+)$")
            .matcher(gateway.ops("/metrics").body());
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  @Test
  void invalidUtf8InsideParamsIsAParseErrorAndReachesNoUpstream() {
    byte[] body =
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"eth_getBalance\",\"params\":[\"0x\u0000\",\"latest\"]}"
            .getBytes(StandardCharsets.UTF_8);
    // an overlong NUL (C0 80) where the NUL was: the JSON parser alone lets it through
    int at = new String(body, StandardCharsets.ISO_8859_1).indexOf('\u0000');
    byte[] bad = new byte[body.length + 1];
    System.arraycopy(body, 0, bad, 0, at);
    bad[at] = (byte) 0xc0;
    bad[at + 1] = (byte) 0x80;
    System.arraycopy(body, at + 1, bad, at + 2, body.length - at - 1);
    Gateway.Response r =
        gateway.send(
            HttpRequest.newBuilder(gateway.base())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bad))
                .build());
    assertEquals(400, r.status(), r.body());
    assertEquals(-32700, r.json().get("error").get("code").asInt(), r.body());
    assertEquals(0, net.p1.requests() + net.p2.requests(), "no upstream saw it");
  }

  @Test
  void theContainersOwnErrorsAreJson() throws IOException {
    Raw put =
        raw(
            "PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n",
            "{}".getBytes(StandardCharsets.US_ASCII));
    assertEquals(405, put.status(), put.head());
    assertCleanJson("PUT /", put.body());

    Raw dots =
        raw(
            "GET /admin/%2e%2e/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            new byte[0]);
    assertTrue(dots.status() >= 400, dots.statusLine());
    assertCleanJson("/admin/%2e%2e/", dots.body());

    Gateway.Response adminMissing = new Admin(gateway).call("GET", "/nothing-here", null);
    assertEquals(404, adminMissing.status());
    assertCleanJson("an unknown admin path", adminMissing.body());
  }

  /**
   * Liberty refuses these paths inside the web application, so its error page answers; it logs each
   * refusal as an exception that reached the container (SRVE0315E, with its stack trace), which the
   * log must not carry. The log is written before the error page runs.
   */
  @Test
  void aPathTheContainerRefusesIsAJsonRpcBadRequest() throws IOException {
    long logBefore = Files.size(messagesLog());
    for (String path : List.of("/a%2fb", "/v1/abc%2Fdef", "/main%5c", "/a%2eb", "/a%23b")) {
      Raw r = post(path);
      assertEquals(400, r.status(), path + ": " + r.head() + "\n" + r.body());
      assertCleanJson(path, r.body());
      assertEquals(
          -32600, Gateway.JSON.readTree(r.body()).get("error").get("code").asInt(), r.body());
    }
    Raw admin =
        raw(
            "GET /admin/api/accounts%2fx HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            new byte[0]);
    assertEquals(400, admin.status(), admin.head());
    assertCleanJson("an admin path with %2f", admin.body());
    String written = logSince(logBefore);
    assertFalse(written.contains("SRVE0315E"), written);
    assertFalse(written.contains("\\tat "), "no stack trace: " + written);
  }

  /**
   * A control character or a malformed escape in the path is refused by Liberty before it looks for
   * an application (docs/errors.md says so): 400 with its own one-line body, which names CWWWC0005I
   * and at most 128 characters of the path, and no line in the log.
   */
  @Test
  void aPathLibertyRefusesBeforeAnyApplicationIsA400WithoutALogLine() throws IOException {
    long logBefore = Files.size(messagesLog());
    String name = "n".repeat(300);
    for (String bad : List.of("%00", "%0a", "%0D", "%1f", "%7F", "%zz", "%")) {
      String path = "/" + name + bad;
      Raw r = post(path);
      assertEquals(400, r.status(), bad + ": " + r.head() + "\n" + r.body());
      assertTrue(r.body().contains("CWWWC0005I"), bad + ": " + r.body());
      assertFalse(
          r.body().contains("n".repeat(127)), bad + " echoes the path in part: " + r.body());
      for (String leak : List.of("Exception", "at com.", "127.0.0.1", "5432")) {
        assertFalse(r.body().contains(leak), bad + " leaks " + leak + ": " + r.body());
      }
    }
    assertEquals(0, net.p1.requests() + net.p2.requests(), "no upstream saw them");
    String written = logSince(logBefore);
    assertFalse(written.contains("CWWWC0005I"), written);
    assertFalse(written.contains("\\tat "), "no stack trace: " + written);
  }

  @Test
  void anUnknownNetworkNameIsEchoedOnlyInPart() {
    String name = "n".repeat(3000);
    Gateway.Response r =
        gateway.postTo("/" + name, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}");
    assertEquals(404, r.status(), r.body());
    String message = r.json().get("error").get("message").asText();
    assertTrue(message.contains("n".repeat(64) + "..."), message);
    assertFalse(message.contains("n".repeat(65)), "at most 64 characters of the name: " + message);
  }

  /** Liberty has no message size limit of its own, whose 413 would be an empty body. */
  @Test
  void bodiesOverTheCapsAreRefusedInJsonWhateverTheirSize() throws IOException {
    byte[] start =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"params\":[\"".getBytes(StandardCharsets.US_ASCII);
    Raw declared =
        raw(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 20000000\r\nConnection: close\r\n\r\n",
            start);
    assertEquals(413, declared.status(), declared.head());
    assertCleanJson("a declared 20 MB body", declared.body());
    assertEquals(-32021, Gateway.JSON.readTree(declared.body()).get("error").get("code").asInt());

    Gateway.Response admin =
        new Admin(gateway)
            .call("POST", "/accounts", "{\"name\":\"" + "a".repeat(1_100_000) + "\"}");
    assertEquals(413, admin.status(), admin.body());
    assertCleanJson("a 1.1 MB admin body", admin.body());

    byte[] chunk = ("{\"name\":\"" + "a".repeat(1_100_000)).getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    chunked.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    chunked.write(chunk);
    chunked.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    Raw adminChunked =
        raw(
            "POST /admin/api/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer "
                + Admin.TOKEN
                + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            chunked.toByteArray());
    assertEquals(413, adminChunked.status(), adminChunked.head());
    assertCleanJson("a chunked 1.1 MB admin body", adminChunked.body());
  }

  @Test
  void aContentLengthBesideAnUnknownTransferEncodingIsRefused() throws IOException {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}";
    Raw r =
        raw(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: xchunked\r\nContent-Length: "
                + body.length()
                + "\r\nConnection: close\r\n\r\n",
            body.getBytes(StandardCharsets.US_ASCII));
    assertEquals(400, r.status(), r.head() + "\n" + r.body());
    assertCleanJson("xchunked", r.body());
  }

  @Test
  void clientsThatHangUpMidBodyAreCountedWithoutStackTraces() throws Exception {
    long logBefore = Files.size(messagesLog());
    double before = metric("rpcshield_client_aborts_total\\{[^}]*\\}");
    for (int i = 0; i < 50; i++) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", PORT)) {
        s.getOutputStream()
            .write(
                ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,")
                    .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        Thread.sleep(20);
      }
    }
    Eventually.within(Duration.ofSeconds(10), "50 aborts counted")
        .until(() -> metric("rpcshield_client_aborts_total\\{[^}]*\\}") - before >= 50);
    String written = logSince(logBefore);
    assertFalse(written.contains("Self-suppression"), written);
    assertFalse(written.contains("SRVE0777E"), written);
    assertFalse(written.contains("\\tat "), "no stack trace: " + written);
    // Liberty's own input stream still notes each EOF as a one-line FFDC1015I (about 150 bytes);
    // the stack traces that made 50 aborts about 290 KB are gone.
    assertTrue(written.length() < 20_000, "about a line per abort: " + written.length() + " bytes");
  }

  /**
   * A body dripped a byte every 200 ms cannot extend its read deadline (2 s here): the client gets
   * 408 with a JSON-RPC error, the connection is closed, and the abort is counted.
   */
  @Test
  void aBodyDrippedPastTheReadDeadlineIsAnsweredAndItsConnectionClosed() throws Exception {
    double before = metric("rpcshield_client_aborts_total\\{[^}]*\\}");
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", PORT)) {
      s.setSoTimeout(200);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 1000\r\n\r\n{")
              .getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      boolean closed = false;
      while (!closed && System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
        try {
          int n = s.getInputStream().read();
          if (n < 0) {
            closed = true;
          } else {
            answer.write(n);
          }
        } catch (java.net.SocketTimeoutException quiet) {
          if (answer.size() == 0) {
            out.write(' ');
          }
        }
      }
      long took = (System.nanoTime() - start) / 1_000_000;
      assertTrue(closed, "the server closed the connection within 10 s");
      assertTrue(
          took >= 1_800 && took < 5_000, "closed after " + took + " ms; the deadline is 2 s");
      String text = answer.toString(StandardCharsets.ISO_8859_1);
      assertTrue(text.startsWith("HTTP/1.1 408 "), text);
      String body = text.substring(text.indexOf("\r\n\r\n") + 4);
      assertCleanJson("a body past its deadline", body);
      assertEquals(-32600, Gateway.JSON.readTree(body).get("error").get("code").asInt(), body);
    }
    Eventually.within(Duration.ofSeconds(5), "the late body counted as an abort")
        .until(() -> metric("rpcshield_client_aborts_total\\{[^}]*\\}") > before);
  }

  @Test
  void theOneAnswerThatHoldsAKeyIsNotStored() {
    Admin admin = new Admin(gateway);
    String account = admin.account("{\"name\":\"no-store\",\"tier\":\"free\"}");
    Gateway.Response r = admin.call("POST", "/accounts/" + account + "/keys", "{\"label\":\"x\"}");
    assertEquals(201, r.status());
    assertEquals("no-store", r.header("Cache-Control"));
  }

  @Test
  void aBinaryFrameHoldingJsonIsAnswered() {
    try (Socket ws = new Socket("/")) {
      ws.sendBinary("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_chainId\",\"params\":[]}");
      JsonNode answer = ws.next(10);
      assertEquals(3, answer.get("id").asInt(), answer.toString());
      assertEquals("0x7a69", answer.get("result").asText(), answer.toString());
      assertEquals(
          "0x7a69",
          ws.call("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"eth_chainId\"}")
              .get("result")
              .asText(),
          "still open");
    }
  }

  @Test
  void refusalsOverTheInFlightCapCarryTheirIds() {
    net.p1.slowMillis(1500);
    net.p1.mode(Mode.SLOW);
    net.p2.slowMillis(1500);
    net.p2.mode(Mode.SLOW);
    try (Socket ws = new Socket("/")) {
      inFlightRefusals(ws);
    } finally {
      net.p1.slowMillis(500);
      net.p2.slowMillis(500);
    }
  }

  private static void inFlightRefusals(Socket ws) {
    for (int i = 1; i <= 80; i++) {
      ws.send("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"eth_gasPrice\"}");
    }
    Set<Integer> ids = new HashSet<>();
    int refused = 0;
    for (int i = 0; i < 80; i++) {
      JsonNode m = ws.next(20);
      assertFalse(m.get("id").isNull(), "every answer names its request: " + m);
      ids.add(m.get("id").asInt());
      if (m.has("error")) {
        assertEquals(-32005, m.get("error").get("code").asInt(), m.toString());
        refused++;
      }
    }
    assertEquals(80, ids.size());
    assertTrue(refused >= 16, "the cap of 64 refused the rest: " + refused);
  }

  @Test
  void subscriptionsPerConnectionAreCapped() {
    try (Socket ws = new Socket("/")) {
      for (int i = 1; i <= 5; i++) {
        JsonNode ok =
            ws.call(
                "{\"jsonrpc\":\"2.0\",\"id\":"
                    + i
                    + ",\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}");
        assertTrue(ok.has("result"), ok.toString());
      }
      JsonNode over =
          ws.call(
              "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}");
      assertEquals(6, over.get("id").asInt(), over.toString());
      assertEquals(-32005, over.get("error").get("code").asInt(), over.toString());
    }
  }

  @Test
  void pipelinedSubscriptionsStayWithinTheCap() {
    try (Socket ws = new Socket("/")) {
      int opened = 0;
      for (int wave = 0; wave < 3; wave++) {
        for (int i = 1; i <= 20; i++) {
          ws.send(
              "{\"jsonrpc\":\"2.0\",\"id\":"
                  + (wave * 100 + i)
                  + ",\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}");
        }
        int answered = 0;
        while (answered < 20) {
          JsonNode m = ws.next(20);
          if (m.has("method")) {
            continue;
          }
          answered++;
          if (m.has("result")) {
            opened++;
          } else {
            assertEquals(-32005, m.get("error").get("code").asInt(), m.toString());
          }
        }
      }
      assertEquals(5, opened, "rpcshield.ws.max-subscriptions is 5 here");
    }
  }
}
