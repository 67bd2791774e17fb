package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Http1ResponseTest {
  private static final String BODY = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}";

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Feeds {@code wire} one byte at a time; returns whether the answer completed. */
  private static boolean dribble(Http1Response r, String wire) throws UpstreamException {
    boolean done = false;
    for (byte b : wire.getBytes(StandardCharsets.ISO_8859_1)) {
      assertFalse(done, "bytes after the end were taken as part of the answer");
      done = r.feed(ByteBuffer.wrap(new byte[] {b}));
    }
    return done;
  }

  @Test
  void aBodyFramedByItsLengthEndsWithItsLastByteEvenOneByteAtATime() throws Exception {
    String wire = "HTTP/1.1 200 OK\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY;
    Http1Response r = new Http1Response(1024);
    assertTrue(dribble(r, wire));
    assertEquals(BODY, new String(r.body(), StandardCharsets.UTF_8));
    assertTrue(r.keepAlive());
  }

  @Test
  void aChunkedBodyIsJoinedAndItsTrailersSkipped() throws Exception {
    String wire =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\n{\"jso\r\n"
            + Integer.toHexString(BODY.length() - 5)
            + "\r\n"
            + BODY.substring(5)
            + "\r\n0\r\nX-Trailer: y\r\n\r\n";
    Http1Response whole = new Http1Response(1024);
    assertTrue(whole.feed(bytes(wire)));
    assertEquals(BODY, new String(whole.body(), StandardCharsets.UTF_8));
    Http1Response dribbled = new Http1Response(1024);
    assertTrue(dribble(dribbled, wire));
    assertArrayEquals(whole.body(), dribbled.body());
  }

  @Test
  void bytesAfterTheAnswerStayInTheBuffer() throws Exception {
    ByteBuffer in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1");
    assertTrue(new Http1Response(1024).feed(in));
    assertEquals("HTTP/1.1".length(), in.remaining());
  }

  @Test
  void aBodyWithoutLengthOrChunksEndsWithTheConnectionWhichIsNotReused() throws Exception {
    Http1Response r = new Http1Response(1024);
    assertFalse(r.feed(bytes("HTTP/1.1 200 OK\r\n\r\n" + BODY)));
    assertTrue(r.closed());
    assertEquals(BODY, new String(r.body(), StandardCharsets.UTF_8));
    assertFalse(r.keepAlive());
  }

  @Test
  void aConnectionEndedMidBodyDoesNotEndALengthFramedAnswer() throws Exception {
    Http1Response r = new Http1Response(1024);
    assertFalse(r.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}")));
    assertFalse(r.closed());
  }

  @Test
  void connectionCloseAndHttp10AnswersAreNotKeptAlive() throws Exception {
    Http1Response close = new Http1Response(1024);
    assertTrue(
        close.feed(bytes("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")));
    assertFalse(close.keepAlive());
    Http1Response old = new Http1Response(1024);
    assertTrue(old.feed(bytes("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")));
    assertFalse(old.keepAlive());
    Http1Response oldKept = new Http1Response(1024);
    assertTrue(
        oldKept.feed(
            bytes("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n")));
    assertTrue(oldKept.keepAlive());
  }

  @Test
  void aStatusOtherThan200FailsAtItsStatusLine() {
    UpstreamException e =
        assertThrows(
            UpstreamException.class,
            () -> new Http1Response(1024).feed(bytes("HTTP/1.1 503 Service Unavailable\r\n")));
    assertEquals(Kind.HTTP_STATUS, e.failure().kind());
    assertEquals("HTTP 503", e.failure().reason());
  }

  @Test
  void anAnswerOverTheCapFailsWhetherDeclaredOrChunked() {
    UpstreamException declared =
        assertThrows(
            UpstreamException.class,
            () -> new Http1Response(4).feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")));
    assertEquals(Kind.TOO_LARGE, declared.failure().kind());
    Http1Response exact = new Http1Response(4);
    assertThrows(
        UpstreamException.class,
        () ->
            exact.feed(
                bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde")));
    assertEquals(
        Kind.TOO_LARGE,
        assertThrows(
                UpstreamException.class,
                () -> new Http1Response(4).feed(bytes("HTTP/1.1 200 OK\r\n\r\n12345")))
            .failure()
            .kind());
  }

  @Test
  void malformedAnswersFailAsConnectionFaults() {
    for (String wire :
        new String[] {
          "SSH-2.0-OpenSSH\r\n",
          "HTTP/1.1 2x0 OK\r\n",
          "HTTP/1.1 200 OK\r\nno colon\r\n",
          "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n",
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
          "HTTP/1.1 200 OK\r\n" + "X: " + "a".repeat(9000) + "\r\n"
        }) {
      UpstreamException e =
          assertThrows(
              UpstreamException.class, () -> new Http1Response(1024).feed(bytes(wire)), wire);
      assertEquals(Kind.IO, e.failure().kind(), wire);
    }
  }
}
