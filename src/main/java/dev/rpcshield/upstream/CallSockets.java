package dev.rpcshield.upstream;

import dev.rpcshield.upstream.UpstreamFailure.Kind;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * A network's outbound transport: one call to an upstream configured with {@code
 * calls-over-ws=true} that the network also names among its WebSocket upstreams goes over one
 * connection to it, shared by every call in flight and matched back by its gateway id, instead of
 * an HTTP exchange of its own. A batch, a transaction submission (it takes a new HTTP connection),
 * a call to any other upstream or to one with {@code forward-client-ip} (a WebSocket frame has no
 * header for the caller's address), and every call while that connection is not up go over HTTP.
 *
 * <p>The connection is made on an upstream's first call, which goes over HTTP meanwhile, and used
 * only once it answered the network's eth_chainId (when the network names a chain). One that is
 * lost or refused is made again by a later call, at least {@link #FIRST_RETRY} after the attempt
 * before, the pause doubling up to {@link #LAST_RETRY} while the attempts keep failing. A call that
 * times out has the connection pinged, or given up when nothing at all came on it for that whole
 * timeout. A connection that is lost fails the calls waiting on it, each as a broken connection
 * (counted against the upstream's breaker, retried where retries are left).
 */
final class CallSockets implements UpstreamTransport {
  private static final Logger LOG = Logger.getLogger(CallSockets.class.getName());

  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration LAST_RETRY = Duration.ofSeconds(60);

  private final Network network;
  private final HttpUpstreamTransport http;
  private final UpstreamDialer dialer;
  private final Clock clock;
  private final Map<Upstream, Line> lines = new ConcurrentHashMap<>();
  private volatile boolean closed;

  CallSockets(Network network, HttpUpstreamTransport http, HttpClient client, Clock clock) {
    this.network = network;
    this.http = http;
    this.dialer = new UpstreamDialer(network, client);
    this.clock = clock;
  }

  @Override
  public CompletableFuture<byte[]> send(
      Upstream upstream,
      byte[] payload,
      Duration timeout,
      String clientIp,
      String traceparent,
      boolean submission) {
    return http.send(upstream, payload, timeout, clientIp, traceparent, submission);
  }

  @Override
  public CompletableFuture<byte[]> sendCall(
      Upstream upstream,
      byte[] payload,
      long id,
      Duration timeout,
      String clientIp,
      String traceparent) {
    UpstreamSocket socket = socket(upstream);
    if (socket == null) {
      return http.send(upstream, payload, timeout, clientIp, traceparent, false);
    }
    CompletableFuture<byte[]> answer =
        http.withDeadline(socket.call(id, payload), timeout, () -> socket.forget(id));
    answer.whenComplete((body, failed) -> {
      if (failed != null && UpstreamException.of(failed).failure().kind() == Kind.TIMEOUT) {
        socket.heartbeat(timeout);
      }
    });
    return answer;
  }

  /**
   * Where calls to {@code upstream} should go over a WebSocket now, or null when they go over HTTP
   * (not configured so, forwarding the caller's address, removed, or this transport closed).
   */
  private URI webSocketFor(Upstream upstream) {
    UpstreamSettings s = upstream.settings();
    return s.callsOverWebSocket() && !s.forwardClientIp() && !upstream.removed() && !closed
        ? network.webSocketUpstreams().get(upstream.name())
        : null;
  }

  /** The upstream's connection for calls when it is up, else null (and an attempt under way). */
  private UpstreamSocket socket(Upstream upstream) {
    URI url = webSocketFor(upstream);
    Line line = lines.get(upstream);
    if (line != null && line.url.equals(url)) {
      return line.ready();
    }
    if (line != null && lines.remove(upstream, line)) {
      line.close();
    }
    if (url == null) {
      return null;
    }
    Line fresh = new Line(upstream.name(), url);
    Line raced = lines.putIfAbsent(upstream, fresh);
    if (raced == null && (closed || upstream.removed()) && lines.remove(upstream, fresh)) {
      return null; // retired or closed meanwhile: no connection is made for it
    }
    return (raced == null ? fresh : raced).ready();
  }

  /** Closes the connection of an upstream that left the network. */
  void retire(Upstream upstream) {
    Line line = lines.remove(upstream);
    if (line != null) {
      line.close();
    }
  }

  /** Closes every connection; none is made after. */
  void close() {
    closed = true;
    for (Upstream u : lines.keySet()) {
      retire(u);
    }
  }

  /** How single calls reach {@code upstream} now: {@code websocket} or {@code http}. */
  String way(Upstream upstream) {
    Line line = lines.get(upstream);
    UpstreamSocket socket = line == null ? null : line.socket;
    boolean open = socket != null && socket.isOpen() && line.url.equals(webSocketFor(upstream));
    return open ? "websocket" : "http";
  }

  /** One upstream's connection for calls, and the attempts at it. */
  private final class Line implements UpstreamSocket.Listener {
    final String name;
    final URI url;
    private final AtomicBoolean connecting = new AtomicBoolean();

    /** The connection once made and checked; null before and after a loss. */
    volatile UpstreamSocket socket;

    /** When the next attempt may start, and the pause after a failure, in the clock's millis. */
    private volatile long nextAttempt;

    private volatile long pause = FIRST_RETRY.toMillis();
    private volatile boolean closed;

    Line(String name, URI url) {
      this.name = name;
      this.url = url;
    }

    UpstreamSocket ready() {
      UpstreamSocket s = socket;
      if (s != null && s.isOpen()) {
        return s;
      }
      if (!closed && clock.millis() >= nextAttempt && connecting.compareAndSet(false, true)) {
        connect();
      }
      return null;
    }

    private void connect() {
      nextAttempt = clock.millis() + pause;
      dialer
          .open(name, url, this)
          .whenComplete((made, failed) -> {
            if (failed != null) {
              pause = Math.min(pause * 2, LAST_RETRY.toMillis());
              LOG.fine(() -> "calls to " + name + " stay on HTTP: " + failed.getMessage());
            } else {
              pause = FIRST_RETRY.toMillis();
              socket = made;
              if (closed) {
                made.close();
                return;
              }
              LOG.info(() -> "calls to upstream " + name + " go over its WebSocket connection");
            }
          })
          .whenComplete((made, failed) -> connecting.set(false));
    }

    void close() {
      closed = true;
      UpstreamSocket s = socket;
      if (s != null) {
        s.close();
      }
    }

    @Override
    public void onNotification(String upstreamSubscription, byte[] message, UpstreamSocket from) {
      // nothing subscribes on a connection for calls
    }

    @Override
    public void onClosed(UpstreamSocket lost, String reason) {
      if (socket == lost) {
        socket = null;
        if (!closed) {
          LOG.warning(() -> "calls to upstream " + name + " go over HTTP: WebSocket " + reason);
        }
      }
    }
  }
}
