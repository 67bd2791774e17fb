package dev.rpcshield.upstream;

import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one HTTP/1.1 answer from the bytes a connection receives: the status line and headers, then
 * a body framed by {@code Content-Length}, by chunks, or by the end of the connection. Only a 200
 * answer is read through; any other status, an answer over the cap or a malformed one fails at
 * once, and the connection is not reused.
 */
final class Http1Response {
  private static final int MAX_HEAD = 64 * 1024;
  private static final int MAX_LINE = 8 * 1024;

  private enum State {
    HEAD,
    LENGTH,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_END,
    TRAILERS,
    UNTIL_CLOSE,
    DONE
  }

  private final long cap;
  private State state = State.HEAD;
  private byte[] line = new byte[256];
  private int lineLength;
  private boolean statusSeen;
  private long declaredLength = -1;
  private boolean chunked;
  private boolean keepAlive = true;
  private byte[] body = new byte[0];
  private int length;
  private long chunkLeft;
  private int headBytes;

  Http1Response(long cap) {
    this.cap = cap;
  }

  /**
   * Consumes bytes from {@code in}; returns true once the answer is complete (bytes after it stay
   * in {@code in}).
   *
   * @throws UpstreamException for a status other than 200, an answer over the cap or a malformed
   *     one
   */
  boolean feed(ByteBuffer in) throws UpstreamException {
    while (in.hasRemaining() && state != State.DONE) {
      switch (state) {
        case HEAD, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
          if (readLine(in)) {
            onLine();
          }
        }
        case LENGTH, CHUNK_DATA, UNTIL_CLOSE -> readBody(in);
        default -> throw new IllegalStateException();
      }
    }
    return state == State.DONE;
  }

  /** The connection ended; returns true when that ends the answer (a body framed by the close). */
  boolean closed() {
    if (state == State.UNTIL_CLOSE) {
      state = State.DONE;
      keepAlive = false;
      return true;
    }
    return false;
  }

  /** Whether the connection may carry another exchange after this answer. */
  boolean keepAlive() {
    return keepAlive;
  }

  byte[] body() {
    return length == body.length ? body : Arrays.copyOf(body, length);
  }

  private boolean readLine(ByteBuffer in) throws UpstreamException {
    while (in.hasRemaining()) {
      byte b = in.get();
      if ((state == State.HEAD && ++headBytes > MAX_HEAD) || lineLength > MAX_LINE) {
        throw malformed();
      }
      if (b == '\n') {
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        return true;
      }
      if (lineLength == line.length) {
        line = Arrays.copyOf(line, line.length * 2);
      }
      line[lineLength++] = b;
    }
    return false;
  }

  private void onLine() throws UpstreamException {
    String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
    lineLength = 0;
    switch (state) {
      case HEAD -> {
        if (!statusSeen) {
          status(text);
        } else if (text.isEmpty()) {
          startBody();
        } else {
          header(text);
        }
      }
      case CHUNK_SIZE -> {
        int semi = text.indexOf(';');
        try {
          chunkLeft = Long.parseLong((semi < 0 ? text : text.substring(0, semi)).trim(), 16);
        } catch (NumberFormatException e) {
          throw malformed();
        }
        if (chunkLeft < 0) {
          throw malformed();
        }
        state = chunkLeft == 0 ? State.TRAILERS : State.CHUNK_DATA;
      }
      case CHUNK_END -> {
        if (!text.isEmpty()) {
          throw malformed();
        }
        state = State.CHUNK_SIZE;
      }
      case TRAILERS -> {
        if (text.isEmpty()) {
          state = State.DONE;
        }
      }
      default -> throw new IllegalStateException();
    }
  }

  private void status(String text) throws UpstreamException {
    statusSeen = true;
    if (!text.startsWith("HTTP/1.") || text.length() < 12 || text.charAt(8) != ' ') {
      throw malformed();
    }
    int code;
    try {
      code = Integer.parseInt(text.substring(9, 12));
    } catch (NumberFormatException e) {
      throw malformed();
    }
    if (code != 200) {
      throw new UpstreamException(Kind.HTTP_STATUS, "HTTP " + code);
    }
    keepAlive = text.charAt(7) != '0';
  }

  private void header(String text) throws UpstreamException {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw malformed();
    }
    String name = text.substring(0, colon).trim();
    String value = text.substring(colon + 1).trim();
    if (name.equalsIgnoreCase("Content-Length")) {
      try {
        declaredLength = Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw malformed();
      }
      if (declaredLength < 0) {
        throw malformed();
      }
    } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
      chunked = value.toLowerCase().endsWith("chunked");
    } else if (name.equalsIgnoreCase("Connection")) {
      String v = value.toLowerCase();
      keepAlive = v.contains("close") ? false : v.contains("keep-alive") || keepAlive;
    }
  }

  private void startBody() throws UpstreamException {
    if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (declaredLength >= 0) {
      if (declaredLength > cap) {
        throw tooLarge();
      }
      body = new byte[(int) declaredLength];
      state = declaredLength == 0 ? State.DONE : State.LENGTH;
    } else {
      state = State.UNTIL_CLOSE;
    }
  }

  private void readBody(ByteBuffer in) throws UpstreamException {
    int n = in.remaining();
    if (state == State.LENGTH) {
      n = Math.min(n, body.length - length);
    } else if (state == State.CHUNK_DATA) {
      n = (int) Math.min(n, chunkLeft);
    }
    if (length + (long) n > cap) {
      throw tooLarge();
    }
    if (length + n > body.length) {
      body = Arrays.copyOf(body, Math.max(length + n, Math.max(1024, body.length * 2)));
    }
    in.get(body, length, n);
    length += n;
    if (state == State.LENGTH && length == body.length) {
      state = State.DONE;
    } else if (state == State.CHUNK_DATA && (chunkLeft -= n) == 0) {
      state = State.CHUNK_END;
    }
  }

  private static UpstreamException malformed() {
    return new UpstreamException(Kind.IO, "malformed HTTP answer");
  }

  private static UpstreamException tooLarge() {
    return new UpstreamException(Kind.TOO_LARGE, "answer larger than the response cap");
  }
}
