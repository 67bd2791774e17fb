package dev.rpcshield.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fault-injecting HTTP proxy in front of a real node, for the faults anvil cannot produce: it
 * forwards, or hangs, resets mid-body, answers 500/429/502, garbage, wrong batch ids, a provider
 * rate-limit error, lies about balances and calls, prunes old state, answers inconsistently, or
 * refuses connections. It records what reached it.
 */
public final class ChaosProxy implements AutoCloseable {

  /** What the proxy does with the next request. */
  public enum Mode {
    FORWARD,
    DOWN,
    HANG,
    RESET,
    STATUS_500,
    STATUS_429,
    STATUS_502,
    GARBAGE,
    EMPTY,
    WRONG_IDS,
    RATE_LIMIT_ERROR,
    SLOW,
    /**
     * eth_getLogs over {@link #logsCap} blocks is refused as a provider does; the rest forwarded.
     */
    LOGS_RANGE_CAP,
    /**
     * Forwards, but answers every eth_getBalance and eth_call with a result of its own making,
     * {@code 0xdead} followed by its port in hex, so that two liars never tell the same lie; puts
     * the same lie in the balance of every eth_getProof answer, another state root and the lie as
     * every transaction's value in every block a client's eth_getBlockByNumber or
     * eth_getBlockByHash asks for, and turns every successful receipt into a failed one.
     */
    LIE,
    /**
     * Forwards, but answers a state call (balance, code, nonce, storage, call, proof) at a block
     * number below {@link #prunedBelow} with geth's pruned-state error, as a full node that keeps
     * only recent state does.
     */
    PRUNE,
    /**
     * Forwards, but adds a log of block 0xffff to every eth_getLogs answer, answers every
     * eth_getBlockByNumber with {@code null}, and puts another block hash in every transaction and
     * receipt.
     */
    INCONSISTENT
  }

  private static final Pattern LOGS_RANGE =
      Pattern.compile("\"fromBlock\":\"0x([0-9a-f]+)\",\"toBlock\":\"0x([0-9a-f]+)\"");

  private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

  private static final Pattern RESULT = Pattern.compile("\"result\":\"0x[0-9a-f]*\"");

  /** A state call and the last quoted hex value of its params: the block, for these methods. */
  private static final Pattern STATE_CALL =
      Pattern.compile(
          "\"method\":\"eth_(?:getBalance|getCode|getTransactionCount|getStorageAt|call|getProof)\""
              + ".*\"(0x[0-9a-f]+)\"\\]");

  /** The watcher's chain check and probe, which a reset meant for a client's call must not take. */
  private static final String CHAIN_CHECK =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";

  /** The gateway's own head poll: served like any request but counted apart, not recorded. */
  private static final String HEAD_POLL_PREFIX =
      "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]},"
          + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_getBlockByNumber\",\"params\":[\"safe\"";

  private final String name;
  private final int port;
  private volatile URI target;
  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger headPolls = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.FORWARD;
  private final AtomicBoolean resetNextCall = new AtomicBoolean();
  private volatile long slowMillis = 500;
  private volatile long prunedBelow;
  private volatile long logsCap = 5;
  private ServerSocket server;

  public ChaosProxy(String name, int port, URI target) {
    this.name = name;
    this.port = port;
    this.target = target;
    listen();
  }

  public String name() {
    return name;
  }

  public synchronized void mode(Mode next) {
    this.mode = next;
    if (next == Mode.DOWN) {
      closeServer();
    } else if (server == null) {
      listen();
    }
  }

  /** Points the proxy at another node. */
  public void retarget(URI next) {
    this.target = next;
  }

  /**
   * Resets the connection of the next client request (head polls, chain checks and probes are
   * answered as before), then serves in its mode again: a node dropping a kept-alive connection the
   * gateway then reuses.
   */
  public void resetNextCall() {
    resetNextCall.set(true);
  }

  public void slowMillis(long millis) {
    this.slowMillis = millis;
  }

  /** The oldest block whose state it keeps in {@link Mode#PRUNE}. */
  public void prunedBelow(long block) {
    prunedBelow = block;
  }

  /** The most blocks an eth_getLogs may span in {@link Mode#LOGS_RANGE_CAP}. */
  public void logsCap(long blocks) {
    logsCap = blocks;
  }

  /** Client requests that reached the proxy (in any mode but DOWN); head polls not counted. */
  public int requests() {
    return requests.get();
  }

  public int maxInFlight() {
    return maxInFlight.get();
  }

  /** The gateway's head polls that reached this proxy since the last {@link #reset()}. */
  public int headPolls() {
    return headPolls.get();
  }

  public List<String> bodies() {
    return List.copyOf(bodies);
  }

  public String lastHeader(String name) {
    return lastHeaders.get(name.toLowerCase(Locale.ROOT));
  }

  public void reset() {
    requests.set(0);
    headPolls.set(0);
    maxInFlight.set(0);
    bodies.clear();
    lastHeaders.clear();
  }

  private synchronized void listen() {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
      server = s;
      Thread.ofVirtual().name("chaos-" + name).start(() -> accept(s));
    } catch (IOException e) {
      throw new IllegalStateException("proxy " + name + " cannot listen on " + port, e);
    }
  }

  private synchronized void closeServer() {
    if (server != null) {
      try {
        server.close();
      } catch (IOException ignored) {
        // closing is all we want
      }
      server = null;
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
    open.clear();
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket socket = s.accept();
        socket.setTcpNoDelay(true);
        open.add(socket);
        Thread.ofVirtual().start(() -> serve(socket));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (true) {
        byte[] body = readRequest(in);
        if (body == null || mode == Mode.DOWN) {
          // A connection accepted just before the listener closed must not go on serving.
          return;
        }
        if (new String(body, StandardCharsets.UTF_8).startsWith(HEAD_POLL_PREFIX)) {
          headPolls.incrementAndGet();
          if (!answer(socket, out, body, false)) {
            return;
          }
          continue;
        }
        requests.incrementAndGet();
        if (!new String(body, StandardCharsets.UTF_8).equals(CHAIN_CHECK)
            && resetNextCall.compareAndSet(true, false)) {
          socket.setSoLinger(true, 0);
          return;
        }
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
          if (!answer(socket, out, body, true)) {
            return;
          }
        } finally {
          inFlight.decrementAndGet();
        }
      }
    } catch (IOException | InterruptedException e) {
      // the client went away: nothing to answer
    } finally {
      open.remove(socket);
    }
  }

  /** Answers one request; false when the connection must close. */
  private boolean answer(Socket socket, OutputStream out, byte[] body, boolean record)
      throws IOException, InterruptedException {
    String text = new String(body, StandardCharsets.UTF_8);
    if (record) {
      bodies.add(text);
    }
    switch (mode) {
      case HANG -> {
        socket.getInputStream().read();
        return false;
      }
      case RESET -> {
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"jsonrpc\":".getBytes());
        out.flush();
        socket.setSoLinger(true, 0);
        return false;
      }
      case STATUS_500 -> respond(out, 500, "{\"error\":\"internal\"}");
      case STATUS_429 -> respond(out, 429, "{\"error\":\"too many requests\"}");
      case STATUS_502 -> respond(out, 502, "<html>bad gateway</html>");
      case GARBAGE -> respond(out, 200, "<html>oops</html>");
      case EMPTY -> respond(out, 200, "");
      case WRONG_IDS -> {
        Matcher m = ID.matcher(forward(body));
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
          m.appendReplacement(sb, "\"id\":" + (Long.parseLong(m.group(1)) + 1000));
        }
        m.appendTail(sb);
        respond(out, 200, sb.toString());
      }
      case RATE_LIMIT_ERROR -> {
        Matcher m = ID.matcher(text);
        String id = m.find() ? m.group(1) : "null";
        respond(
            out,
            200,
            "{\"jsonrpc\":\"2.0\",\"id\":"
                + id
                + ",\"error\":{\"code\":-32005,\"message\":\"daily request count exceeded, request rate limited\"}}");
      }
      case LOGS_RANGE_CAP -> {
        Matcher range = LOGS_RANGE.matcher(text);
        Matcher id = ID.matcher(text);
        if (text.contains("\"eth_getLogs\"")
            && range.find()
            && id.find()
            && Long.parseLong(range.group(2), 16) - Long.parseLong(range.group(1), 16) + 1
                > logsCap) {
          respond(
              out,
              200,
              "{\"jsonrpc\":\"2.0\",\"id\":"
                  + id.group(1)
                  + ",\"error\":{\"code\":-32602,\"message\":\"query exceeds max block range "
                  + logsCap
                  + "\"}}");
        } else {
          respond(out, 200, forward(body));
        }
      }
      case SLOW -> {
        // The fault itself: a slow upstream holds the request this long before answering.
        Thread.sleep(slowMillis);
        respond(out, 200, forward(body));
      }
      case LIE -> {
        String answer = forward(body);
        String lie = "0xdead" + Integer.toHexString(port);
        if (text.contains("\"eth_getBalance\"") || text.contains("\"eth_call\"")) {
          answer = RESULT.matcher(answer).replaceAll("\"result\":\"" + lie + "\"");
        } else if (text.contains("\"eth_getProof\"")) {
          answer = answer.replaceAll("\"balance\":\"0x[0-9a-f]*\"", "\"balance\":\"" + lie + "\"");
        } else if (record
            && (text.contains("\"eth_getBlockByNumber\"")
                || text.contains("\"eth_getBlockByHash\""))) {
          answer =
              answer
                  .replaceAll(
                      "\"stateRoot\":\"0x[0-9a-f]{64}\"",
                      "\"stateRoot\":\"0x"
                          + Integer.toHexString(port).repeat(16).substring(0, 64)
                          + "\"")
                  .replaceAll("\"value\":\"0x[0-9a-f]+\"", "\"value\":\"" + lie + "\"");
        } else if (text.contains("\"eth_getBlockReceipts\"")
            || text.contains("\"eth_getTransactionReceipt\"")) {
          answer = answer.replace("\"status\":\"0x1\"", "\"status\":\"0x0\"");
        }
        respond(out, 200, answer);
      }
      case PRUNE -> {
        Matcher state = STATE_CALL.matcher(text);
        Matcher id = ID.matcher(text);
        if (state.find()
            && id.find()
            && Long.parseLong(state.group(1).substring(2), 16) < prunedBelow) {
          respond(
              out,
              200,
              "{\"jsonrpc\":\"2.0\",\"id\":"
                  + id.group(1)
                  + ",\"error\":{\"code\":-32000,\"message\":\"missing trie node"
                  + " 1fe5c7ea0b6e2b0bd2a0e4c4b2f6fbc2d5a1e3c9b8a7f6e5d4c3b2a19f8e7d6c (path )\"}}");
        } else {
          respond(out, 200, forward(body));
        }
      }
      case INCONSISTENT -> {
        String answer = forward(body);
        Matcher id = ID.matcher(text);
        // Only clients' calls: the gateway's head poll (not recorded) is answered truthfully.
        if (record && text.contains("\"eth_getBlockByNumber\"") && id.find()) {
          answer = "{\"jsonrpc\":\"2.0\",\"id\":" + id.group(1) + ",\"result\":null}";
        } else if (record
            && (text.contains("\"eth_getTransactionReceipt\"")
                || text.contains("\"eth_getTransactionByHash\""))) {
          answer =
              answer.replaceAll(
                  "\"blockHash\":\"0x[0-9a-f]{64}\"",
                  "\"blockHash\":\"0x" + "ab".repeat(32) + "\"");
        } else if (record && text.contains("\"eth_getLogs\"")) {
          answer =
              answer.replaceFirst(
                  "\"result\":\\[",
                  "\"result\":[{\"address\":\"0x0000000000000000000000000000000000000001\","
                      + "\"topics\":[],\"data\":\"0x\",\"blockNumber\":\"0xffff\","
                      + "\"blockHash\":\"0x"
                      + "ab".repeat(32)
                      + "\",\"transactionHash\":\"0x"
                      + "cd".repeat(32)
                      + "\",\"transactionIndex\":\"0x0\",\"logIndex\":\"0x0\","
                      + "\"removed\":false}"
                      + (answer.contains("\"result\":[]") ? "" : ","));
        }
        respond(out, 200, answer);
      }
      default -> respond(out, 200, forward(body));
    }
    return true;
  }

  private String forward(byte[] body) throws IOException, InterruptedException {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(target)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  private static void respond(OutputStream out, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("HTTP/1.1 "
                + status
                + " X\r\nContent-Type: application/json\r\nContent-Length: "
                + b.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + b.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(b, 0, all, head.length, b.length);
    out.write(all);
    out.flush();
  }

  /** Reads one HTTP/1.1 request with a Content-Length body; null at end of stream. */
  private byte[] readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      head.write(c);
      state =
          (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
              ? state + 1
              : 0;
    }
    int length = 0;
    for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).trim();
        lastHeaders.put(key, value);
        if (key.equals("content-length")) {
          length = Integer.parseInt(value);
        }
      }
    }
    return in.readNBytes(length);
  }

  @Override
  public void close() {
    closeServer();
  }
}
