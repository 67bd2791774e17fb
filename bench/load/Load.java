/*
 * Open-loop load generator for the RpcShield benchmarks (HTTP/1.1 keep-alive POST and WebSocket).
 *
 * Why it exists: Debian has wrk but not wrk2, and h2load's --rate paces connections, not requests.
 * A fixed-rate latency figure is only honest if a slow answer does not delay the next send
 * ("coordinated omission"), so request i is due at t0 + i/rate and its latency is counted from that
 * intended time, not from when a free connection finally sent it. Plain JDK, raw sockets, no
 * downloads: `java Load.java ...` (bench/run compiles it once with javac).
 *
 *   --url http://127.0.0.1:18945/ | ws://127.0.0.1:18945/
 *   --body JSON            request body; for ws the first "id":1 is replaced by a sequence number
 *   --header 'Name: v'     extra request header (repeatable; HTTP and the WS handshake)
 *   --rate N               open loop at N requests/s (default); --closed: as fast as answered
 *   --connections C        HTTP: concurrent connections (each one request at a time);
 *                          ws: connections the requests are spread over (pipelined)
 *   --depth D              closed-loop ws only: requests in flight per connection (default 1)
 *   --duration 10s --warmup 2s   measured time, and a leading unmeasured period at the same load
 *   --idle N --hold 30s    ws only: open N idle connections, print IDLE-READY, hold, check, close
 *   --subscribe N --per-connection P --hold 30s   ws only: open N subscriptions (--body is the
 *                          eth_subscribe), P per connection, print SUBS-READY, hold while counting
 *                          notifications, then print SUBS-DONE with the fewest and most one
 *                          subscription got and how many came out of order or twice
 *   --records FILE         HTTP: one line per request due in the measured window, for bench/faults:
 *                          "<due ms after t0> <latency us> <class>", class ok, http_<status>,
 *                          rpc_<JSON-RPC code>, io (connection refused/reset/closed), timeout, or
 *                          dropped (unanswered at the end); the first line is "# t0_epoch_ms=<ms>"
 *   --timeout 10s          HTTP: a request unanswered this long is given up (class timeout) and its
 *                          connection replaced (default: none, wait until the end)
 *   --keys FILE            HTTP: request i carries "X-API-Key: <line i mod n of FILE>"
 *   --slowloris N --hold 60s --drip 5s   open N connections that each send a request head one
 *                          header line every --drip and never finish it; prints SLOWLORIS-READY, then
 *                          at the end how many the server closed and when
 *
 * Prints one line: LOAD mode=... rate=... achieved=... count=... errors=... rpc_errors=...
 * p50_us=... p90_us=... p99_us=... p999_us=... max_us=... mean_us=... late_p99_us=...
 * (late = how far behind schedule the generator itself sent: if that is large, the generator, not
 * the server, was short of CPU).
 */

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

public class Load {
  static URI url;
  static boolean ws;
  static String body =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}";
  static final List<String> headers = new ArrayList<>();
  static double rate = 1000;
  static boolean closed;
  static int connections = 64;
  static int depth = 1;
  static long durationNs = TimeUnit.SECONDS.toNanos(10);
  static long warmupNs = TimeUnit.SECONDS.toNanos(2);
  static int idle;
  static int subscribe;
  static int perConnection = 100;
  static long holdNs = TimeUnit.SECONDS.toNanos(30);
  static final long GRACE_NS = TimeUnit.SECONDS.toNanos(10);
  static final int SOCKET_TIMEOUT_MS = 30_000;

  static String recordsFile, keysFile;
  static long timeoutNs;
  static int slowloris;
  static long dripNs = TimeUnit.SECONDS.toNanos(5);
  static long t0Global;

  static final AtomicLong errors = new AtomicLong();
  static final AtomicLong rpcErrors = new AtomicLong();
  static final AtomicLong dropped = new AtomicLong();
  static final AtomicLong inWindow = new AtomicLong(); // completions inside the measured window
  static long windowFrom, windowTo;
  static final ConcurrentLinkedQueue<Recorder> recorders = new ConcurrentLinkedQueue<>();

  /** Senders' own lateness where senders and timers are separate threads (WebSocket open loop). */
  static final ConcurrentLinkedQueue<long[]> senderLateness = new ConcurrentLinkedQueue<>();

  static volatile String firstError, firstRpcError;

  static void rpcError(byte[] a, int from, int to) {
    rpcErrors.incrementAndGet();
    if (firstRpcError == null) {
      firstRpcError = new String(a, from, Math.min(to - from, 200), StandardCharsets.UTF_8);
    }
  }

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--url" -> url = URI.create(args[++i]);
        case "--body" -> body = args[++i];
        case "--header" -> headers.add(args[++i]);
        case "--rate" -> rate = Double.parseDouble(args[++i]);
        case "--closed" -> closed = true;
        case "--connections" -> connections = Integer.parseInt(args[++i]);
        case "--depth" -> depth = Integer.parseInt(args[++i]);
        case "--duration" -> durationNs = nanos(args[++i]);
        case "--warmup" -> warmupNs = nanos(args[++i]);
        case "--idle" -> idle = Integer.parseInt(args[++i]);
        case "--subscribe" -> subscribe = Integer.parseInt(args[++i]);
        case "--per-connection" -> perConnection = Integer.parseInt(args[++i]);
        case "--hold" -> holdNs = nanos(args[++i]);
        case "--records" -> recordsFile = args[++i];
        case "--timeout" -> timeoutNs = nanos(args[++i]);
        case "--keys" -> keysFile = args[++i];
        case "--slowloris" -> slowloris = Integer.parseInt(args[++i]);
        case "--drip" -> dripNs = nanos(args[++i]);
        default -> {
          System.err.println("unknown option " + a + " (see the comment at the top of Load.java)");
          System.exit(2);
        }
      }
    }
    if (url == null) {
      System.err.println("--url is required");
      System.exit(2);
    }
    ws = url.getScheme().startsWith("ws");
    if (idle > 0) {
      idle();
      return;
    }
    if (subscribe > 0) {
      subscribers();
      return;
    }
    if (slowloris > 0) {
      slowloris();
      return;
    }
    long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    t0Global = t0;
    long measureFrom = t0 + warmupNs;
    long end = measureFrom + durationNs;
    windowFrom = measureFrom;
    windowTo = end;
    List<Thread> threads = new ArrayList<>();
    if (ws) {
      for (int c = 0; c < connections; c++) {
        WsConn conn = WsConn.open();
        threads.addAll(
            closed
                ? conn.closedLoop(t0, measureFrom, end)
                : conn.openLoop(t0, measureFrom, end, c));
      }
    } else {
      threads.addAll(new HttpEngine(t0, measureFrom, end).start());
    }
    long deadline = end + GRACE_NS + TimeUnit.MILLISECONDS.toNanos(SOCKET_TIMEOUT_MS);
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      if (left > 0) t.join(Math.max(1, left / 1_000_000));
    }
    report(measureFrom, end);
    if (recordsFile != null) writeRecords(t0);
    System.exit(0);
  }

  static long nanos(String s) {
    s = s.trim();
    if (s.endsWith("ms"))
      return TimeUnit.MILLISECONDS.toNanos(Long.parseLong(s.substring(0, s.length() - 2)));
    if (s.endsWith("s")) return (long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1e9);
    if (s.endsWith("m"))
      return TimeUnit.MINUTES.toNanos(Long.parseLong(s.substring(0, s.length() - 1)));
    return (long) (Double.parseDouble(s) * 1e9);
  }

  static long intended(long t0, long i) {
    return t0 + (long) (i * (1e9 / rate));
  }

  static void sleepUntil(long t) {
    long now;
    while ((now = System.nanoTime()) < t) LockSupport.parkNanos(t - now);
  }

  static void fail(Throwable e) {
    errors.incrementAndGet();
    if (firstError == null) firstError = e.toString();
  }

  // ---------------------------------------------------------------- recording

  /** Per-request outcomes for --records (HTTP only), kept in arrays under one lock. */
  static final Object recLock = new Object();

  static long[] recDue = new long[1 << 16], recLat = new long[1 << 16];
  static String[] recCls = new String[1 << 16];
  static int recN;

  /** Records one request due at `due` (ns) that ended after `latency` ns as `cls`. */
  static void outcome(long due, long latency, String cls) {
    if (recordsFile == null || due < windowFrom) return;
    synchronized (recLock) {
      if (recN == recDue.length) {
        recDue = Arrays.copyOf(recDue, recN * 2);
        recLat = Arrays.copyOf(recLat, recN * 2);
        recCls = Arrays.copyOf(recCls, recN * 2);
      }
      recDue[recN] = due;
      recLat[recN] = latency;
      recCls[recN] = cls;
      recN++;
    }
  }

  static void writeRecords(long t0) throws IOException {
    long epochT0 = System.currentTimeMillis() - (System.nanoTime() - t0) / 1_000_000;
    StringBuilder b = new StringBuilder(recN * 24 + 64);
    b.append("# t0_epoch_ms=").append(epochT0).append('\n');
    synchronized (recLock) {
      for (int i = 0; i < recN; i++) {
        b.append((recDue[i] - t0) / 1_000_000)
            .append(' ')
            .append(recLat[i] / 1000)
            .append(' ')
            .append(recCls[i])
            .append('\n');
      }
    }
    java.nio.file.Files.writeString(java.nio.file.Path.of(recordsFile), b);
  }

  static final byte[] CODE = "\"code\":".getBytes(StandardCharsets.ISO_8859_1);

  /** The JSON-RPC error code in a body that holds an error, as "rpc_<code>". */
  static String rpcClass(byte[] a, int from, int to) {
    int e = indexOf(a, from, to, ERROR);
    int i = e < 0 ? -1 : indexOf(a, e, to, CODE);
    if (i < 0) return "rpc_?";
    i += CODE.length;
    while (i < to && a[i] == ' ') i++;
    int j = i;
    if (j < to && a[j] == '-') j++;
    while (j < to && a[j] >= '0' && a[j] <= '9') j++;
    return "rpc_" + new String(a, i, j - i, StandardCharsets.ISO_8859_1);
  }

  /** One thread's latencies (ns), unsynchronised; merged at the end. */
  static final class Recorder {
    long[] lat = new long[1 << 14];
    long[] late = new long[1 << 14];
    int n;

    Recorder() {
      recorders.add(this);
    }

    void add(long latency, long lateness, long doneAt) {
      if (n == lat.length) {
        lat = Arrays.copyOf(lat, n * 2);
        late = Arrays.copyOf(late, n * 2);
      }
      lat[n] = latency;
      late[n] = lateness;
      n++;
      if (doneAt >= windowFrom && doneAt < windowTo) inWindow.incrementAndGet();
    }
  }

  static void report(long measureFrom, long end) {
    int total = 0;
    for (Recorder r : recorders) total += r.n;
    long[] lat = new long[total];
    long[] late = new long[total];
    int k = 0;
    for (Recorder r : recorders) {
      System.arraycopy(r.lat, 0, lat, k, r.n);
      System.arraycopy(r.late, 0, late, k, r.n);
      k += r.n;
    }
    if (!senderLateness.isEmpty()) {
      late = senderLateness.stream().flatMapToLong(Arrays::stream).toArray();
    }
    Arrays.sort(lat);
    Arrays.sort(late);
    double seconds = (end - measureFrom) / 1e9;
    double mean = 0;
    for (long l : lat) mean += l;
    mean = total == 0 ? 0 : mean / total;
    System.out.printf(
        "LOAD mode=%s proto=%s rate=%s connections=%d achieved=%.1f count=%d errors=%d rpc_errors=%d dropped=%d"
            + " p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%d late_p99_us=%d%s%n",
        closed ? "closed" : "open",
        ws ? "ws" : "http",
        closed ? "max" : String.valueOf((long) rate),
        connections,
        inWindow.get() / seconds,
        total,
        errors.get(),
        rpcErrors.get(),
        dropped.get(),
        pct(lat, 50),
        pct(lat, 90),
        pct(lat, 99),
        pct(lat, 99.9),
        total == 0 ? 0 : lat[total - 1] / 1000,
        (long) (mean / 1000),
        pct(late, 99),
        (firstError == null ? "" : " first_error=\"" + firstError.replace('"', '\'') + "\"")
            + (firstRpcError == null
                ? ""
                : " first_rpc_error=\"" + firstRpcError.replace('"', '\'') + "\""));
  }

  static long pct(long[] sorted, double p) {
    if (sorted.length == 0) return 0;
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000;
  }

  // ---------------------------------------------------------------- HTTP

  static byte[] httpRequest() {
    return httpRequest(null);
  }

  static byte[][] httpRequests() throws IOException {
    if (keysFile == null) return new byte[][] {httpRequest()};
    List<String> keys =
        java.nio.file.Files.readAllLines(java.nio.file.Path.of(keysFile)).stream()
            .map(String::trim)
            .filter(k -> !k.isEmpty())
            .toList();
    if (keys.isEmpty()) throw new IOException("no keys in " + keysFile);
    byte[][] r = new byte[keys.size()][];
    for (int i = 0; i < r.length; i++) r[i] = httpRequest("X-API-Key: " + keys.get(i));
    return r;
  }

  static byte[] httpRequest(String extra) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder h = new StringBuilder();
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) path += "?" + url.getRawQuery();
    h.append("POST ")
        .append(path)
        .append(" HTTP/1.1\r\nHost: ")
        .append(url.getHost())
        .append(':')
        .append(url.getPort());
    h.append("\r\nContent-Type: application/json\r\nContent-Length: ")
        .append(b.length)
        .append("\r\n");
    for (String x : headers) h.append(x).append("\r\n");
    if (extra != null) h.append(extra).append("\r\n");
    h.append("\r\n");
    byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = Arrays.copyOf(head, head.length + b.length);
    System.arraycopy(b, 0, all, head.length, b.length);
    return all;
  }

  static final byte[] ERROR = "\"error\"".getBytes(StandardCharsets.ISO_8859_1);

  static int indexOf(byte[] hay, byte[] needle) {
    return indexOf(hay, 0, hay.length, needle);
  }

  static int indexOf(byte[] hay, int from, int to, byte[] needle) {
    outer:
    for (int i = from; i + needle.length <= to; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  /**
   * HTTP load with two threads, whatever the connection count: a sender that wakes at each due time
   * and hands the request to an idle connection (or, when none is idle, queues it: the wait counts
   * in its latency), and a receiver that selects on every connection, times each answer from its
   * due time, and gives the freed connection the oldest queued request. One request per connection
   * at a time (no pipelining). In closed-loop mode the receiver resends at once.
   */
  static final class HttpEngine {
    final long t0, measureFrom, end;
    final byte[][] reqs = httpRequests();
    final Selector selector;
    final HConn[] conns = new HConn[connections];
    final ArrayDeque<HConn> idleConns = new ArrayDeque<>();
    final ArrayDeque<Long> pending = new ArrayDeque<>();
    final Object lock = new Object();
    final Recorder rec = new Recorder();
    volatile boolean senderDone;
    long GRACE_WAIT = GRACE_NS;
    long closedSeq;

    HttpEngine(long t0, long measureFrom, long end) throws IOException {
      if (timeoutNs > 0 && timeoutNs < GRACE_NS)
        GRACE_WAIT = timeoutNs + TimeUnit.SECONDS.toNanos(1);
      this.t0 = t0;
      this.measureFrom = measureFrom;
      this.end = end;
      selector = Selector.open();
      for (int c = 0; c < connections; c++) {
        conns[c] = new HConn();
        conns[c].connect();
        idleConns.add(conns[c]);
      }
    }

    List<Thread> start() {
      Thread receiver = Thread.ofPlatform().daemon().name("receiver").start(this::receive);
      if (closed) {
        senderDone = true;
        Thread.ofPlatform()
            .daemon()
            .start(() -> {
              sleepUntil(t0);
              for (HConn c : conns) {
                synchronized (lock) {
                  idleConns.remove(c);
                }
                c.send(closedSeq++, System.nanoTime());
              }
              selector.wakeup();
            });
        return List.of(receiver);
      }
      Thread sender = Thread.ofPlatform().daemon().name("sender").start(this::send);
      return List.of(sender, receiver);
    }

    void send() {
      for (long i = 0; ; i++) {
        long due = intended(t0, i);
        if (due >= end) break;
        sleepUntil(due);
        HConn c;
        synchronized (lock) {
          c = idleConns.pollFirst();
          if (c == null) pending.addLast(i);
        }
        if (c != null) c.send(i, due);
      }
      senderDone = true;
      selector.wakeup();
    }

    void receive() {
      try {
        while (true) {
          selector.select(50);
          long now = System.nanoTime();
          for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey k = it.next();
            it.remove();
            HConn c = (HConn) k.attachment();
            c.readable(now);
          }
          boolean busy;
          synchronized (lock) {
            busy = !pending.isEmpty() || idleConns.size() < connections;
          }
          if (senderDone && !busy && (closed ? now >= end : true)) return;
          if (timeoutNs > 0) {
            for (HConn c : conns) {
              long s = c.seq;
              if (s >= 0 && now - c.sentAt > timeoutNs) c.timedOut(now);
            }
          }
          if (now > end + GRACE_WAIT) {
            synchronized (lock) {
              dropped.addAndGet(pending.size() + (connections - idleConns.size()));
              for (Long p : pending) outcome(intended(t0, p), now - intended(t0, p), "dropped");
              for (HConn c : conns) if (c.seq >= 0) outcome(c.due, now - c.due, "dropped");
            }
            return;
          }
        }
      } catch (IOException e) {
        fail(e);
      }
    }

    /** After an answer (or a failure): the connection takes the next queued request or idles. */
    void freed(HConn c, long now) {
      if (closed) {
        if (now < end) c.send(closedSeq++, System.nanoTime());
        else
          synchronized (lock) {
            idleConns.add(c);
          }
        return;
      }
      Long next;
      synchronized (lock) {
        next = pending.pollFirst();
        if (next == null) idleConns.addLast(c);
      }
      if (next != null) c.send(next, intended(t0, next));
    }

    final class HConn {
      SocketChannel ch;
      SelectionKey key;
      ByteBuffer in = ByteBuffer.allocate(16384);
      volatile long seq = -1;
      volatile long due, sentAt;
      int headEnd = -1, bodyLen = -1, status;
      boolean chunked, close;

      void connect() throws IOException {
        ch = SocketChannel.open();
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.connect(new InetSocketAddress(url.getHost(), url.getPort()));
        ch.configureBlocking(false);
        key = ch.register(selector, SelectionKey.OP_READ, this);
        in.clear();
        headEnd = -1;
      }

      /** Closes the connection and opens a new one; false (the run failed) when it cannot. */
      boolean reopen() {
        try {
          synchronized (this) {
            key.cancel();
            ch.close();
            connect();
          }
          return true;
        } catch (IOException e) {
          fail(e);
          return false;
        }
      }

      /** Writes the whole request (small: the socket buffer takes it at once). */
      void send(long seq, long due) {
        this.sentAt = System.nanoTime();
        this.due = due;
        this.seq = seq;
        ByteBuffer b = ByteBuffer.wrap(reqs[(int) (seq % reqs.length)]);
        try {
          synchronized (this) {
            while (b.hasRemaining()) {
              if (ch.write(b) == 0) Thread.onSpinWait();
            }
          }
        } catch (IOException e) {
          broken(e, System.nanoTime());
        }
      }

      /** Gives up the request in flight (--timeout) and replaces the connection. */
      void timedOut(long now) {
        broken(new IOException("timeout"), now, "timeout");
      }

      void broken(Throwable e, long now) {
        broken(e, now, "io");
      }

      /** Records the request in flight as `cls`, replaces the connection and frees it. */
      void broken(Throwable e, long now, String cls) {
        if (seq >= 0) outcome(due, now - due, cls);
        fail(e);
        seq = -1;
        try {
          synchronized (this) {
            key.cancel();
            ch.close();
            connect();
          }
        } catch (IOException again) {
          fail(again);
          return; // this connection is lost for the rest of the run
        }
        freed(this, now);
      }

      void readable(long now) {
        int n;
        try {
          if (!in.hasRemaining()) in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
          n = ch.read(in);
        } catch (IOException e) {
          if (seq >= 0) broken(e, now);
          return;
        }
        if (n < 0) {
          if (seq >= 0) {
            broken(new IOException("connection closed by server"), now);
          } else { // an idle connection closed by the server: reopen it quietly
            reopen();
          }
          return;
        }
        if (!complete()) return;
        long done = System.nanoTime();
        byte[] a = in.array();
        if (status != 200) {
          fail(new IOException("HTTP " + status));
          outcome(due, done - due, "http_" + status);
        } else {
          if (indexOf(a, headEnd, headEnd + bodyLen, ERROR) >= 0) {
            rpcError(a, headEnd, headEnd + bodyLen);
            outcome(due, done - due, rpcClass(a, headEnd, headEnd + bodyLen));
          } else {
            outcome(due, done - due, "ok");
          }
          long from = closed ? sentAt : due;
          if (closed ? done >= measureFrom && done < end : due >= measureFrom) {
            rec.add(done - from, sentAt - from, done);
          }
        }
        in.clear();
        headEnd = -1;
        seq = -1;
        if (close && !reopen()) {
          return;
        }
        freed(this, done);
      }

      /** True when `in` holds a whole response; sets status, headEnd, bodyLen. */
      boolean complete() {
        byte[] a = in.array();
        int lim = in.position();
        if (headEnd < 0) {
          int i = indexOf(a, 0, lim, CRLFCRLF);
          if (i < 0) return false;
          headEnd = i + 4;
          String head = new String(a, 0, headEnd, StandardCharsets.ISO_8859_1).toLowerCase();
          status = Integer.parseInt(head.substring(9, 12));
          close = head.contains("\nconnection: close");
          chunked = head.contains("\ntransfer-encoding: chunked");
          bodyLen = -1;
          if (!chunked) {
            int c = head.indexOf("\ncontent-length:");
            if (c < 0) {
              bodyLen = 0; // no body announced: take none
            } else {
              int e = head.indexOf('\r', c + 1);
              bodyLen = Integer.parseInt(head.substring(c + 16, e).trim());
            }
          }
        }
        if (!chunked) return lim >= headEnd + bodyLen;
        int p = headEnd; // walk the chunks seen so far
        while (true) {
          int eol = indexOf(a, p, lim, CRLF);
          if (eol < 0) return false;
          String size = new String(a, p, eol - p, StandardCharsets.ISO_8859_1);
          int semi = size.indexOf(';');
          int len = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
          if (len == 0) {
            if (indexOf(a, eol, lim, CRLFCRLF) != eol) return false;
            bodyLen = eol + 4 - headEnd;
            return true;
          }
          p = eol + 2 + len + 2;
          if (p > lim) return false;
        }
      }
    }
  }

  static final byte[] CRLF = {'\r', '\n'};
  static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

  // ---------------------------------------------------------------- WebSocket

  static final class WsConn {
    final Socket s;
    final In in;
    final OutputStream out;
    final byte[] prefix, suffix; // body around the id
    final AtomicLong sent = new AtomicLong();
    final AtomicLong received = new AtomicLong();
    volatile boolean sending = true;

    static WsConn open() throws IOException {
      return new WsConn();
    }

    WsConn() throws IOException {
      s = new Socket();
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5000);
      s.setSoTimeout(SOCKET_TIMEOUT_MS);
      in = new In(s.getInputStream());
      out = s.getOutputStream();
      byte[] k = new byte[16];
      ThreadLocalRandom.current().nextBytes(k);
      String key = Base64.getEncoder().encodeToString(k);
      String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
      if (url.getRawQuery() != null) path += "?" + url.getRawQuery();
      StringBuilder h = new StringBuilder();
      h.append("GET ")
          .append(path)
          .append(" HTTP/1.1\r\nHost: ")
          .append(url.getHost())
          .append(':')
          .append(url.getPort());
      h.append(
              "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ")
          .append(key)
          .append("\r\n");
      for (String x : headers) h.append(x).append("\r\n");
      h.append("\r\n");
      out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      int end = in.head();
      if (end < 0) throw new IOException("closed during handshake");
      String head = new String(in.buf, in.pos, end - in.pos, StandardCharsets.ISO_8859_1);
      in.pos = end;
      if (!head.startsWith("HTTP/1.1 101")) {
        throw new IOException("handshake refused: " + head.lines().findFirst().orElse(""));
      }
      try {
        String expect =
            Base64.getEncoder()
                .encodeToString(
                    MessageDigest.getInstance("SHA-1")
                        .digest(
                            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                                .getBytes(StandardCharsets.ISO_8859_1)));
        if (!head.contains(expect)) throw new IOException("bad Sec-WebSocket-Accept");
      } catch (NoSuchAlgorithmException e) {
        throw new IOException(e);
      }
      int at = body.indexOf("\"id\":1");
      if (at < 0) throw new IllegalArgumentException("ws body must contain \"id\":1");
      prefix = body.substring(0, at + 5).getBytes(StandardCharsets.UTF_8);
      suffix = body.substring(at + 6).getBytes(StandardCharsets.UTF_8);
    }

    void send(long id) throws IOException {
      byte[] digits = Long.toString(id).getBytes(StandardCharsets.ISO_8859_1);
      int n = prefix.length + digits.length + suffix.length;
      int hl = n < 126 ? 2 : n < 65536 ? 4 : 10;
      byte[] f = new byte[hl + 4 + n];
      f[0] = (byte) 0x81;
      if (n < 126) {
        f[1] = (byte) (0x80 | n);
      } else if (n < 65536) {
        f[1] = (byte) (0x80 | 126);
        f[2] = (byte) (n >> 8);
        f[3] = (byte) n;
      } else {
        f[1] = (byte) (0x80 | 127);
        for (int i = 0; i < 8; i++) f[9 - i] = (byte) ((long) n >> (8 * i));
      }
      int m = ThreadLocalRandom.current().nextInt();
      byte[] mask = {(byte) (m >> 24), (byte) (m >> 16), (byte) (m >> 8), (byte) m};
      System.arraycopy(mask, 0, f, hl, 4);
      int p = hl + 4;
      System.arraycopy(prefix, 0, f, p, prefix.length);
      System.arraycopy(digits, 0, f, p + prefix.length, digits.length);
      System.arraycopy(suffix, 0, f, p + prefix.length + digits.length, suffix.length);
      for (int i = 0; i < n; i++) f[p + i] ^= mask[i & 3];
      synchronized (this) {
        out.write(f);
        out.flush();
      }
      sent.incrementAndGet();
    }

    /** Reads the next text message (answering pings); null when the server closed. */
    byte[] receive() throws IOException {
      ByteArrayOutputStream msg = null;
      while (true) {
        int b0 = in.read(), b1 = in.read();
        if (b0 < 0 || b1 < 0) return null;
        int op = b0 & 0x0f;
        long len = b1 & 0x7f;
        if (len == 126) len = (in.read() << 8) | in.read();
        else if (len == 127) {
          len = 0;
          for (int i = 0; i < 8; i++) len = (len << 8) | in.read();
        }
        byte[] mask = (b1 & 0x80) != 0 ? in.take(4) : null;
        byte[] p = in.take((int) len);
        if (mask != null) for (int i = 0; i < p.length; i++) p[i] ^= mask[i & 3];
        if (op == 0x8) return null;
        if (op == 0x9) {
          continue; // a pong is optional for a load generator
        }
        if (op == 0xA) return PONG;
        if (msg == null && (b0 & 0x80) != 0) return p;
        if (msg == null) msg = new ByteArrayOutputStream();
        msg.write(p);
        if ((b0 & 0x80) != 0) return msg.toByteArray();
      }
    }

    static long idOf(byte[] m) {
      int i = indexOf(m, ID);
      if (i < 0) return -1;
      i += ID.length;
      while (i < m.length && m[i] == ' ') i++;
      long v = 0;
      boolean any = false;
      while (i < m.length && m[i] >= '0' && m[i] <= '9') {
        v = v * 10 + (m[i++] - '0');
        any = true;
      }
      return any ? v : -1;
    }

    static final byte[] ID = "\"id\":".getBytes(StandardCharsets.ISO_8859_1);
    static final byte[] PONG = new byte[0];

    /** A ping: its pong wakes a reader blocked in receive() once the sender has finished. */
    void ping() throws IOException {
      synchronized (this) {
        out.write(new byte[] {(byte) 0x89, (byte) 0x80, 1, 2, 3, 4});
        out.flush();
      }
    }

    /**
     * Open loop: a sender that claims due times from the shared schedule, a reader that times them.
     */
    List<Thread> openLoop(long t0, long measureFrom, long end, int index) {
      Thread sender =
          Thread.ofPlatform()
              .daemon()
              .start(() -> {
                // connection c sends requests c, c+C, c+2C, ... (interleaved schedule)
                long[] late =
                    new long
                        [(int)
                            Math.min(
                                1 << 24, (rate * (end - measureFrom) / 1e9) / connections + 16)];
                int lateN = 0;
                for (long i = index; ; i += connections) {
                  long due = intended(t0, i);
                  if (due >= end) break;
                  sleepUntil(due);
                  if (due >= measureFrom && lateN < late.length)
                    late[lateN++] = System.nanoTime() - due;
                  try {
                    send(i);
                  } catch (IOException e) {
                    fail(e);
                    break;
                  }
                }
                senderLateness.add(Arrays.copyOf(late, lateN));
                sending = false;
                try {
                  ping();
                } catch (IOException e) {
                  // the reader sees the broken connection itself
                }
              });
      Thread reader =
          Thread.ofPlatform()
              .daemon()
              .start(() -> {
                Recorder rec = new Recorder();
                try {
                  while (sending || received.get() < sent.get()) {
                    if (System.nanoTime() > end + GRACE_NS) {
                      dropped.addAndGet(sent.get() - received.get());
                      break;
                    }
                    byte[] m = receive();
                    long done = System.nanoTime();
                    if (m == null) throw new IOException("server closed the WebSocket");
                    if (m == PONG) continue;
                    received.incrementAndGet();
                    if (indexOf(m, ERROR) >= 0) rpcError(m, 0, m.length);
                    long id = idOf(m);
                    if (id < 0) continue;
                    long due = intended(t0, id);
                    if (due >= measureFrom) rec.add(done - due, 0, done);
                  }
                } catch (IOException e) {
                  if (sending || received.get() < sent.get()) fail(e);
                }
                close();
              });
      return List.of(sender, reader);
    }

    /** Closed loop: keep `depth` requests in flight; every answer sends the next request. */
    List<Thread> closedLoop(long t0, long measureFrom, long end) {
      Thread reader =
          Thread.ofPlatform()
              .daemon()
              .start(() -> {
                Recorder rec = new Recorder();
                long[] sentAt = new long[1 << 16]; // by id, a ring far wider than depth
                long seq = 0;
                try {
                  sleepUntil(t0);
                  for (int d = 0; d < depth; d++) {
                    sentAt[(int) (seq & 0xffff)] = System.nanoTime();
                    send(seq++);
                  }
                  long outstanding = depth;
                  while (outstanding > 0) {
                    byte[] m = receive();
                    long done = System.nanoTime();
                    if (m == null) throw new IOException("server closed the WebSocket");
                    if (m == PONG) continue;
                    outstanding--;
                    if (indexOf(m, ERROR) >= 0) rpcError(m, 0, m.length);
                    long id = idOf(m);
                    if (id >= 0 && done >= measureFrom && done < end) {
                      rec.add(done - sentAt[(int) (id & 0xffff)], 0, done);
                    }
                    if (done < end) {
                      sentAt[(int) (seq & 0xffff)] = System.nanoTime();
                      send(seq++);
                      outstanding++;
                    }
                  }
                } catch (IOException e) {
                  fail(e);
                }
                close();
              });
      return List.of(reader);
    }

    void close() {
      try {
        synchronized (this) {
          out.write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8});
          out.flush();
        }
      } catch (IOException e) {
        // already gone
      }
      try {
        s.close();
      } catch (IOException e) {
        // gone
      }
    }
  }

  /** A subscription's notifications: how many, and how many broke the order (a repeat or a gap). */
  static final class Followed {
    long count;
    long last = -1;
    long disorders;
  }

  /** The value of `"name":"` … `"` in a message, from `from`; null when absent. */
  static String quoted(String m, String name, int from) {
    int at = m.indexOf("\"" + name + "\":\"", from);
    if (at < 0) return null;
    int start = at + name.length() + 4;
    return m.substring(start, m.indexOf('"', start));
  }

  /**
   * Opens `subscribe` subscriptions over connections of `perConnection` each, reports, counts the
   * notifications each gets while holding (a block number not one past the last counts as out of
   * order), then closes.
   */
  static void subscribers() throws Exception {
    int n = (subscribe + perConnection - 1) / perConnection;
    WsConn[] conns = new WsConn[n];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger subscribed = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    long start = System.nanoTime();
    List<Thread> openers = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      openers.add(
          Thread.ofPlatform()
              .start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                  try {
                    WsConn c = WsConn.open();
                    int mine = Math.min(perConnection, subscribe - i * perConnection);
                    for (int k = 1; k <= mine; k++) c.send(k);
                    for (int k = 0; k < mine; k++) {
                      byte[] m = c.receive();
                      if (m == null) throw new IOException("closed while subscribing");
                      String text = new String(m, StandardCharsets.UTF_8);
                      if (text.contains("\"result\"")) subscribed.incrementAndGet();
                      else {
                        refused.incrementAndGet();
                        if (firstRpcError == null) firstRpcError = text;
                      }
                    }
                    conns[i] = c;
                  } catch (IOException e) {
                    fail(e);
                  }
                }
              }));
    }
    for (Thread t : openers) t.join();
    System.out.printf(
        "SUBS-READY subscribed=%d refused=%d connections=%d seconds=%.1f%s%n",
        subscribed.get(),
        refused.get(),
        Arrays.stream(conns).filter(c -> c != null).count(),
        (System.nanoTime() - start) / 1e9,
        firstError != null
            ? " first_error=\"" + firstError.replace('"', '\'') + "\""
            : firstRpcError != null
                ? " first_refusal=\"" + firstRpcError.replace('"', '\'') + "\""
                : "");
    System.out.flush();
    long until = System.nanoTime() + holdNs;
    ConcurrentLinkedQueue<java.util.Map<String, Followed>> all = new ConcurrentLinkedQueue<>();
    List<Thread> readers = new ArrayList<>();
    for (WsConn c : conns) {
      if (c == null) continue;
      java.util.Map<String, Followed> subs = new java.util.HashMap<>();
      all.add(subs);
      readers.add(
          Thread.ofVirtual()
              .start(() -> {
                try {
                  while (true) {
                    long left = until - System.nanoTime();
                    if (left <= 0) break;
                    c.s.setSoTimeout((int) Math.max(1, left / 1_000_000));
                    byte[] m;
                    try {
                      m = c.receive();
                    } catch (java.net.SocketTimeoutException held) {
                      break;
                    }
                    if (m == null) break;
                    if (m == WsConn.PONG) continue;
                    String text = new String(m, StandardCharsets.UTF_8);
                    String id = quoted(text, "subscription", 0);
                    String number = quoted(text, "number", 0);
                    if (id == null) continue;
                    Followed f = subs.computeIfAbsent(id, k -> new Followed());
                    f.count++;
                    if (number != null) {
                      long b = Long.parseLong(number.substring(2), 16);
                      if (f.last >= 0 && b != f.last + 1) f.disorders++;
                      f.last = b;
                    }
                  }
                } catch (IOException e) {
                  fail(e);
                } finally {
                  c.close();
                }
              }));
    }
    for (Thread t : readers) t.join();
    long total = 0, fewest = Long.MAX_VALUE, most = 0, disorders = 0, followed = 0;
    for (java.util.Map<String, Followed> subs : all) {
      for (Followed f : subs.values()) {
        followed++;
        total += f.count;
        fewest = Math.min(fewest, f.count);
        most = Math.max(most, f.count);
        disorders += f.disorders;
      }
    }
    if (followed < subscribed.get()) fewest = 0;
    System.out.printf(
        "SUBS-DONE notifications=%d fewest=%d most=%d out_of_order=%d%n",
        total, fewest == Long.MAX_VALUE ? 0 : fewest, most, disorders);
  }

  /** Opens `idle` WebSocket connections, reports, holds them, then checks each still answers. */
  static void idle() throws Exception {
    WsConn[] conns = new WsConn[idle];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    long start = System.nanoTime();
    List<Thread> openers = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      openers.add(
          Thread.ofPlatform()
              .start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < idle) {
                  try {
                    conns[i] = WsConn.open();
                  } catch (IOException e) {
                    failed.incrementAndGet();
                    fail(e);
                  }
                }
              }));
    }
    for (Thread t : openers) t.join();
    int open = idle - failed.get();
    System.out.printf(
        "IDLE-READY open=%d failed=%d seconds=%.1f%s%n",
        open,
        failed.get(),
        (System.nanoTime() - start) / 1e9,
        firstError == null ? "" : " first_error=\"" + firstError.replace('"', '\'') + "\"");
    System.out.flush();
    Thread.sleep(holdNs / 1_000_000);
    // Check: every connection still answers one request (sent in waves of 500).
    AtomicInteger alive = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(open);
    for (WsConn c : conns) {
      if (c == null) continue;
      Thread.ofVirtual()
          .start(() -> {
            try {
              c.s.setSoTimeout(20_000);
              c.send(1);
              byte[] m;
              do {
                m = c.receive();
              } while (m == WsConn.PONG);
              if (m != null) alive.incrementAndGet();
            } catch (IOException e) {
              // counted as not alive
            } finally {
              done.countDown();
              c.close();
            }
          });
    }
    done.await(60, TimeUnit.SECONDS);
    System.out.printf("IDLE-DONE open=%d alive_after_hold=%d%n", open, alive.get());
    System.exit(0);
  }

  // ---------------------------------------------------------------- slowloris

  /**
   * Opens `slowloris` connections that each send a request head a header line at a time, one line
   * every --drip, never finishing it; after --hold prints how many the server closed and when.
   */
  static void slowloris() throws Exception {
    int n = slowloris;
    SocketChannel[] chs = new SocketChannel[n];
    long[] closedAt = new long[n];
    Selector sel = Selector.open();
    int failed = 0;
    long start = System.nanoTime();
    String head =
        "POST / HTTP/1.1\r\nHost: "
            + url.getHost()
            + ":"
            + url.getPort()
            + "\r\nContent-Type: application/json\r\n";
    for (int i = 0; i < n; i++) {
      try {
        SocketChannel ch = SocketChannel.open();
        ch.connect(new InetSocketAddress(url.getHost(), url.getPort()));
        ch.configureBlocking(false);
        ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
        ch.register(sel, SelectionKey.OP_READ, i);
        chs[i] = ch;
      } catch (IOException e) {
        failed++;
        fail(e);
      }
    }
    long opened = System.nanoTime();
    System.out.printf(
        "SLOWLORIS-READY open=%d failed=%d seconds=%.1f%n",
        n - failed, failed, (opened - start) / 1e9);
    System.out.flush();
    long until = opened + holdNs;
    long nextDrip = opened + dripNs;
    int line = 0;
    ByteBuffer sink = ByteBuffer.allocate(4096);
    while (System.nanoTime() < until) {
      sel.select(200);
      long now = System.nanoTime();
      for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
        SelectionKey k = it.next();
        it.remove();
        int i = (Integer) k.attachment();
        sink.clear();
        try {
          ((SocketChannel) k.channel())
              .read(sink); // an answer (e.g. 408) or EOF: the server ends it
        } catch (IOException e) {
          // reset
        }
        closedAt[i] = now - opened;
        k.cancel();
        chs[i].close();
        chs[i] = null;
      }
      if (now >= nextDrip) {
        byte[] drip = ("X-Drip-" + line++ + ": x\r\n").getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < n; i++) {
          if (chs[i] == null) continue;
          try {
            chs[i].write(ByteBuffer.wrap(drip));
          } catch (IOException e) {
            closedAt[i] = now - opened;
            chs[i].close();
            chs[i] = null;
          }
        }
        nextDrip += dripNs;
      }
    }
    long[] closes = Arrays.stream(closedAt).filter(v -> v > 0).sorted().toArray();
    int alive = 0;
    for (SocketChannel ch : chs) {
      if (ch != null) {
        alive++;
        ch.close();
      }
    }
    System.out.printf(
        "SLOWLORIS opened=%d failed=%d closed_by_server=%d first_close_s=%.1f median_close_s=%.1f"
            + " last_close_s=%.1f open_at_end=%d hold_s=%.0f drip_s=%.1f%n",
        n - failed,
        failed,
        closes.length,
        closes.length == 0 ? -1 : closes[0] / 1e9,
        closes.length == 0 ? -1 : closes[closes.length / 2] / 1e9,
        closes.length == 0 ? -1 : closes[closes.length - 1] / 1e9,
        alive,
        holdNs / 1e9,
        dripNs / 1e9);
    System.exit(0);
  }

  // ---------------------------------------------------------------- input buffer

  static final class In {
    final InputStream in;
    byte[] buf = new byte[16384];
    int pos, lim;

    In(InputStream in) {
      this.in = in;
    }

    boolean fill() throws IOException {
      if (pos == lim) pos = lim = 0;
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

    int head() throws IOException {
      int scanned = 0;
      while (true) {
        for (int i = pos + Math.max(scanned, 3); i < lim; i++) {
          if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r')
            return i + 1;
        }
        scanned = lim - pos;
        if (scanned > 1 << 20) throw new IOException("head too large");
        if (!fill()) return -1;
      }
    }

    int read() throws IOException {
      if (pos == lim && !fill()) return -1;
      return buf[pos++] & 0xff;
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

    String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = read()) >= 0 && c != '\n') if (c != '\r') sb.append((char) c);
      return sb.toString();
    }

    byte[] chunked() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        String size = line();
        int semi = size.indexOf(';');
        int n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
        if (n == 0) {
          while (!line().isEmpty()) {}
          return b.toByteArray();
        }
        b.write(take(n));
        line();
      }
    }
  }
}
