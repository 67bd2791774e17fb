package dev.rpcshield.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket peer written on a bare TCP socket, for what well-behaved clients never do: it answers
 * no ping and sends nothing after the handshake unless told to.
 */
final class RawSocket implements AutoCloseable {
  private final Socket socket;
  private final int status;

  /** Sends the upgrade request (with an Origin header when not null) and reads the status. */
  RawSocket(String path, String origin) throws IOException {
    socket = new Socket("127.0.0.1", Integer.getInteger("it.http.port", 18545));
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(nonce)
            + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + (origin == null ? "" : "Origin: " + origin + "\r\n")
            + "\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    String head = readHead(socket.getInputStream());
    status = Integer.parseInt(head.split(" ", 3)[1]);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed during the handshake");
      }
      out.write(c);
      state =
          (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
              ? state + 1
              : 0;
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  int status() {
    return status;
  }

  /**
   * Reads frames without answering pings until the server closes; the time it took, or null when
   * the connection was still open after {@code limit}.
   */
  Duration awaitServerClose(Duration limit) throws IOException {
    Instant start = Instant.now();
    InputStream in = socket.getInputStream();
    while (Duration.between(start, Instant.now()).compareTo(limit) < 0) {
      socket.setSoTimeout(200);
      try {
        int b0 = in.read();
        if (b0 < 0) {
          return Duration.between(start, Instant.now());
        }
        int len = in.read() & 0x7f;
        if (len == 126) {
          len = (in.read() << 8) | in.read();
        }
        in.readNBytes(len);
        if ((b0 & 0x0f) == 0x8) {
          return Duration.between(start, Instant.now());
        }
      } catch (SocketTimeoutException quiet) {
        // nothing from the server yet
      } catch (IOException reset) {
        return Duration.between(start, Instant.now());
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
