/*
 * Stub JSON-RPC upstream for the RpcShield benchmarks.
 *
 *   java Stub.java [--port 18901] [--host 127.0.0.1] [--delay-ms 0] [--delay-every 1] [--garbage] [--mode-file F]
 *
 * Answers every JSON-RPC call with {"jsonrpc":"2.0","id":<the request's id, byte-exact>,"result":"0x1"}
 * (eth_getBlockByNumber/ByHash get a tiny block object {"number":"0x1",...} so that head tracking
 * sees a block), a batch with the per-member array (notifications get no entry), over HTTP/1.1
 * keep-alive POST; a WebSocket upgrade on the same port answers each text frame the same way.
 * --delay-ms N delays every answer by N ms (the "slow upstream" scenario), without holding anything
 * but a parked virtual thread, so 500+ delayed requests cost nothing.
 * --delay-every K delays only every K-th answer (a tail: the hedging scenario's slow upstream).
 * --garbage answers every HTTP POST with status 200 and a body that is not JSON (a broken upstream).
 * --mode-file F re-reads F every 100 ms and takes its mode from it, so bench/faults can change a
 * running stub: empty or missing = normal, "delay N" = --delay-ms N, "garbage" = --garbage.
 *
 * Why this implementation: a single-file Java program on raw sockets, one virtual thread per
 * connection, no parsing beyond finding "id" and "method". It needs nothing beyond the JDK already
 * required by the gateway (no npm or Maven download), starts in ~1 s, serves HTTP and WebSocket on
 * one port (com.sun.net.httpserver has no WebSocket; Node's single thread would need cluster mode
 * to use both cores and `ws` from npm), and direct throughput on 2 cores is several times what any
 * proxy in front of it reaches (measured by scenario (a) of bench/run). Blocking I/O on virtual
 * threads keeps the code obvious; the delay is a park of that virtual thread.
 */

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

public class Stub {
  static volatile int delayMs = 0;
  static int delayEvery = 1;
  static final AtomicLong DELAYABLE = new AtomicLong();
  static volatile boolean garbage;
  static final byte[] GARBAGE = bytes("<html>\u00ff\u0001 502 not json {\"jsonrpc\":");
  static final AtomicLong ANSWERED = new AtomicLong();
  static final AtomicLong CONNECTIONS = new AtomicLong();

  public static void main(String[] args) throws Exception {
    int port = 18901;
    String host = "127.0.0.1";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--host" -> host = args[++i];
        case "--delay-ms" -> delayMs = Integer.parseInt(args[++i]);
        case "--delay-every" -> delayEvery = Math.max(1, Integer.parseInt(args[++i]));
        case "--garbage" -> garbage = true;
        case "--mode-file" -> watchMode(java.nio.file.Path.of(args[++i]));
        default -> {
          System.err.println(
              "usage: java Stub.java [--port N] [--host ADDR] [--delay-ms N] [--delay-every K] [--garbage] [--mode-file F]");
          System.exit(2);
        }
      }
    }
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 4096);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() ->
                System.out.println(
                    "stub :"
                        + server.getLocalPort()
                        + " answered "
                        + ANSWERED.get()
                        + " messages on "
                        + CONNECTIONS.get()
                        + " connections")));
    System.out.println(
        "stub listening on " + host + ":" + server.getLocalPort() + " delay " + delayMs + " ms");
    System.out.flush();
    while (true) {
      Socket s = server.accept();
      CONNECTIONS.incrementAndGet();
      Thread.ofVirtual().start(() -> serve(s));
    }
  }

  /** Polls a mode file every 100 ms: "", "delay N" or "garbage" (see the comment at the top). */
  static void watchMode(java.nio.file.Path file) {
    int baseDelay = delayMs;
    boolean baseGarbage = garbage;
    Thread.ofPlatform()
        .daemon()
        .start(() -> {
          String last = null;
          while (true) {
            String m;
            try {
              m = java.nio.file.Files.readString(file).trim();
            } catch (IOException e) {
              m = "";
            }
            if (!m.equals(last)) {
              if (m.startsWith("delay ")) {
                delayMs = Integer.parseInt(m.substring(6).trim());
                garbage = false;
              } else if (m.equals("garbage")) {
                garbage = true;
                delayMs = 0;
              } else {
                delayMs = baseDelay;
                garbage = baseGarbage;
              }
              System.out.println(
                  "stub mode: '" + m + "' delay " + delayMs + " ms garbage " + garbage);
              System.out.flush();
              last = m;
            }
            try {
              Thread.sleep(100);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
  }

  // ---------------------------------------------------------------- connection

  /** Small input buffer over a socket stream: the head is found in place, bodies copied out. */
  static final class In {
    final InputStream in;
    byte[] buf = new byte[16384];
    int pos, lim;

    In(InputStream in) {
      this.in = in;
    }

    boolean fill() throws IOException {
      if (pos > 0 && pos == lim) {
        pos = lim = 0;
      }
      if (lim == buf.length) {
        if (pos > 0) {
          System.arraycopy(buf, pos, buf, 0, lim - pos);
          lim -= pos;
          pos = 0;
        } else {
          buf = Arrays.copyOf(buf, buf.length * 2);
        }
      }
      int n = in.read(buf, lim, buf.length - lim);
      if (n < 0) return false;
      lim += n;
      return true;
    }

    /** Returns the index just past CRLFCRLF of the next head, or -1 at end of stream. */
    int head() throws IOException {
      int scanned = 0; // bytes after pos already searched (stays valid across compaction)
      while (true) {
        for (int i = pos + Math.max(scanned, 3); i < lim; i++) {
          if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
            return i + 1;
          }
        }
        scanned = lim - pos;
        if (scanned > 1 << 20) throw new IOException("head too large");
        if (!fill()) return -1;
      }
    }

    byte[] take(int n) throws IOException {
      byte[] out = new byte[n];
      int have = Math.min(n, lim - pos);
      System.arraycopy(buf, pos, out, 0, have);
      pos += have;
      while (have < n) {
        int r = in.read(out, have, n - have);
        if (r < 0) throw new IOException("eof in body");
        have += r;
      }
      return out;
    }

    int read() throws IOException {
      if (pos == lim && !fill()) return -1;
      return buf[pos++] & 0xff;
    }

    String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = read()) >= 0 && c != '\n') {
        if (c != '\r') sb.append((char) c);
      }
      return sb.toString();
    }
  }

  static void serve(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      In in = new In(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        int end = in.head();
        if (end < 0) return;
        String head = new String(in.buf, in.pos, end - in.pos, StandardCharsets.ISO_8859_1);
        in.pos = end;
        String lower = head.toLowerCase();
        boolean close =
            lower.contains("\nconnection: close")
                || head.startsWith("HTTP/1.0", head.indexOf("\r\n") - 8);
        if (lower.contains("\nupgrade: websocket")) {
          String key = header(head, lower, "sec-websocket-key");
          if (key == null) {
            out.write(
                bytes(
                    "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            return;
          }
          String accept =
              Base64.getEncoder()
                  .encodeToString(
                      MessageDigest.getInstance("SHA-1")
                          .digest(bytes(key.trim() + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
          out.write(
              bytes(
                  "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      + "Sec-WebSocket-Accept: "
                      + accept
                      + "\r\n\r\n"));
          out.flush();
          webSocket(in, out);
          return;
        }
        byte[] body;
        String te = header(head, lower, "transfer-encoding");
        if (te != null && te.toLowerCase().contains("chunked")) {
          body = chunked(in);
        } else {
          String cl = header(head, lower, "content-length");
          body = in.take(cl == null ? 0 : Integer.parseInt(cl.trim()));
        }
        if (lower.contains("\nexpect: 100-continue")) {
          // the body was already read above only if the client sent it anyway; well-behaved
          // clients in this benchmark never send Expect.
        }
        byte[] reply;
        String status = "200 OK";
        if (head.startsWith("POST") && garbage) {
          reply = GARBAGE;
        } else if (head.startsWith("POST")) {
          reply = answer(body);
        } else {
          reply = bytes("{\"stub\":true}");
        }
        if (delayMs > 0 && (delayEvery == 1 || DELAYABLE.incrementAndGet() % delayEvery == 0)) {
          Thread.sleep(delayMs);
        }
        byte[] h =
            bytes(
                "HTTP/1.1 "
                    + status
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + reply.length
                    + (close ? "\r\nConnection: close" : "")
                    + "\r\n\r\n");
        byte[] all = new byte[h.length + reply.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(reply, 0, all, h.length, reply.length);
        out.write(all);
        out.flush();
        ANSWERED.incrementAndGet();
        if (close) return;
      }
    } catch (IOException | InterruptedException | NoSuchAlgorithmException e) {
      // connection gone: nothing to do for a stub
    }
  }

  static byte[] chunked(In in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      String size = in.line();
      int semi = size.indexOf(';');
      int n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
      if (n == 0) {
        while (!in.line().isEmpty()) {} // trailers
        return b.toByteArray();
      }
      b.write(in.take(n));
      in.line();
    }
  }

  static String header(String head, String lower, String name) {
    int i = lower.indexOf("\n" + name + ":");
    if (i < 0) return null;
    int start = i + name.length() + 2;
    int end = head.indexOf('\r', start);
    return head.substring(start, end < 0 ? head.length() : end).trim();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  // ---------------------------------------------------------------- WebSocket (RFC 6455, server
  // side)

  static void webSocket(In in, OutputStream out) throws IOException {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    while (true) {
      int b0 = in.read(), b1 = in.read();
      if (b0 < 0 || b1 < 0) return;
      boolean fin = (b0 & 0x80) != 0;
      int opcode = b0 & 0x0f;
      boolean masked = (b1 & 0x80) != 0;
      long len = b1 & 0x7f;
      if (len == 126) {
        len = (in.read() << 8) | in.read();
      } else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; i++) len = (len << 8) | in.read();
      }
      if (len > 64 << 20) throw new IOException("frame too large");
      byte[] mask = masked ? in.take(4) : null;
      byte[] payload = in.take((int) len);
      if (mask != null) {
        for (int i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
      }
      switch (opcode) {
        case 0x8 -> { // close: echo the status and go
          synchronized (out) {
            writeFrame(out, 0x8, payload.length >= 2 ? Arrays.copyOf(payload, 2) : new byte[0]);
          }
          return;
        }
        case 0x9 -> {
          synchronized (out) {
            writeFrame(out, 0xA, payload);
          }
        }
        case 0xA -> {}
        case 0x0, 0x1, 0x2 -> {
          message.write(payload);
          if (fin) {
            byte[] request = message.toByteArray();
            message.reset();
            if (delayMs > 0) {
              Thread.ofVirtual()
                  .start(() -> {
                    try {
                      Thread.sleep(delayMs);
                      reply(out, answer(request));
                    } catch (IOException | InterruptedException e) {
                      // gone
                    }
                  });
            } else {
              reply(out, answer(request));
            }
          }
        }
        default -> throw new IOException("bad opcode " + opcode);
      }
    }
  }

  static void reply(OutputStream out, byte[] answer) throws IOException {
    if (answer.length == 0) return; // notifications only
    synchronized (out) {
      writeFrame(out, 0x1, answer);
    }
    ANSWERED.incrementAndGet();
  }

  static void writeFrame(OutputStream out, int opcode, byte[] payload) throws IOException {
    int n = payload.length;
    byte[] h;
    if (n < 126) {
      h = new byte[] {(byte) (0x80 | opcode), (byte) n};
    } else if (n < 65536) {
      h = new byte[] {(byte) (0x80 | opcode), 126, (byte) (n >> 8), (byte) n};
    } else {
      h = new byte[10];
      h[0] = (byte) (0x80 | opcode);
      h[1] = 127;
      for (int i = 0; i < 8; i++) h[9 - i] = (byte) ((long) n >> (8 * i));
    }
    byte[] all = new byte[h.length + n];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(payload, 0, all, h.length, n);
    out.write(all);
    out.flush();
  }

  // ---------------------------------------------------------------- JSON-RPC answers

  static final byte[] PARSE_ERROR =
      bytes(
          "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}");
  static final byte[] HEAD = bytes("{\"jsonrpc\":\"2.0\",\"id\":");
  static final byte[] RESULT = bytes(",\"result\":\"0x1\"}");
  static final byte[] BLOCK =
      bytes(
          ",\"result\":{\"number\":\"0x1\",\"hash\":\"0x"
              + "11".repeat(32)
              + "\",\"parentHash\":\"0x"
              + "00".repeat(32)
              + "\",\"timestamp\":\"0x1\"}}");

  /** The answer to a body: one object, an array for a batch, empty when only notifications. */
  static byte[] answer(byte[] body) {
    try {
      Json j = new Json(body);
      j.ws();
      if (j.p < body.length && body[j.p] == '[') {
        j.p++;
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 10);
        out.write('[');
        boolean first = true;
        j.ws();
        if (j.peek() == ']') return PARSE_ERROR;
        while (true) {
          j.ws();
          int[] call = j.call();
          if (call[0] >= 0) {
            if (!first) out.write(',');
            first = false;
            one(out, body, call);
          }
          j.ws();
          int c = j.next();
          if (c == ']') break;
          if (c != ',') return PARSE_ERROR;
        }
        if (first) return new byte[0];
        out.write(']');
        return out.toByteArray();
      }
      int[] call = j.call();
      if (call[0] < 0) return new byte[0];
      ByteArrayOutputStream out = new ByteArrayOutputStream(64);
      one(out, body, call);
      return out.toByteArray();
    } catch (RuntimeException e) {
      return PARSE_ERROR;
    }
  }

  static void one(ByteArrayOutputStream out, byte[] body, int[] call) {
    out.write(HEAD, 0, HEAD.length);
    out.write(body, call[0], call[1] - call[0]);
    boolean block = call[2] >= 0 && startsWith(body, call[2], call[3], "eth_getBlockBy");
    byte[] r = block ? BLOCK : RESULT;
    out.write(r, 0, r.length);
  }

  static boolean startsWith(byte[] b, int from, int to, String prefix) {
    if (to - from < prefix.length()) return false;
    for (int i = 0; i < prefix.length(); i++) if (b[from + i] != prefix.charAt(i)) return false;
    return true;
  }

  /** Just enough JSON to find a call's "id" value bytes and "method" string. */
  static final class Json {
    final byte[] b;
    int p;

    Json(byte[] b) {
      this.b = b;
    }

    int peek() {
      return b[p];
    }

    int next() {
      return b[p++];
    }

    void ws() {
      while (p < b.length && (b[p] == ' ' || b[p] == '\n' || b[p] == '\r' || b[p] == '\t')) p++;
    }

    void expect(char c) {
      ws();
      if (b[p++] != c) throw new IllegalArgumentException("expected " + c);
    }

    /** Returns {idStart, idEnd, methodStart, methodEnd}; idStart -1 for a notification. */
    int[] call() {
      int[] r = {-1, -1, -1, -1};
      expect('{');
      ws();
      if (b[p] == '}') {
        p++;
        return r;
      }
      while (true) {
        ws();
        int ks = p + 1;
        string();
        int ke = p - 1;
        expect(':');
        ws();
        int vs = p;
        value();
        int ve = p;
        if (ke - ks == 2 && b[ks] == 'i' && b[ks + 1] == 'd') {
          r[0] = vs;
          r[1] = ve;
        } else if (ke - ks == 6 && startsWith(b, ks, ke, "method") && b[vs] == '"') {
          r[2] = vs + 1;
          r[3] = ve - 1;
        }
        ws();
        int c = b[p++];
        if (c == '}') return r;
        if (c != ',') throw new IllegalArgumentException("expected , or }");
      }
    }

    void string() {
      if (b[p++] != '"') throw new IllegalArgumentException("expected string");
      while (true) {
        byte c = b[p++];
        if (c == '\\') p++;
        else if (c == '"') return;
      }
    }

    void value() {
      byte c = b[p];
      if (c == '"') {
        string();
      } else if (c == '{' || c == '[') {
        int depth = 0;
        do {
          c = b[p];
          if (c == '"') {
            string();
            continue;
          }
          if (c == '{' || c == '[') depth++;
          else if (c == '}' || c == ']') depth--;
          p++;
        } while (depth > 0);
      } else {
        while (p < b.length) {
          c = b[p];
          if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t')
            break;
          p++;
        }
      }
    }
  }
}
