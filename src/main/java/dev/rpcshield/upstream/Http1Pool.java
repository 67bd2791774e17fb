package dev.rpcshield.upstream;

import dev.rpcshield.telemetry.Trace;
import dev.rpcshield.upstream.Http1Connection.Exchange;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The keep-alive connections to one plain-HTTP upstream and the request head it is sent, encoded
 * once: a request is that head, its length and the payload. Idle connections are taken newest first
 * (the ones the upstream is least likely to have closed); a transaction submission always opens a
 * connection of its own, so a connection the upstream closed while idle can never make it look as
 * if it may have arrived. The upstream's own in-flight cap bounds how many there are.
 */
final class Http1Pool {
  /** What an IP address may hold; anything else is not sent as {@code X-Forwarded-For}. */
  private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.%]{1,64}");

  private final String host;
  private final int port;
  private final byte[] head;
  private final Duration connectTimeout;
  private final ScheduledExecutorService timer;
  private final Supplier<Http1Reactor> reactors;
  private final Deque<Http1Connection> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean retired;

  Http1Pool(
      URI url,
      Map<String, String> headers,
      Duration connectTimeout,
      ScheduledExecutorService timer,
      Supplier<Http1Reactor> reactors) {
    String h = url.getHost();
    this.host = h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    this.port = url.getPort() < 0 ? 80 : url.getPort();
    this.connectTimeout = connectTimeout;
    this.timer = timer;
    this.reactors = reactors;
    Map<String, String> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    fields.put("Host", h + (url.getPort() < 0 ? "" : ":" + port));
    fields.put("Content-Type", "application/json");
    fields.put("Accept", "application/json");
    fields.putAll(headers);
    fields.remove("Content-Length");
    StringBuilder b = new StringBuilder("POST ");
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    b.append(path).append(url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    b.append(" HTTP/1.1\r\n");
    fields.forEach(
        (name, value) -> b.append(field(name)).append(": ").append(field(value)).append("\r\n"));
    b.append("Content-Length: ");
    this.head = b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A header name or value as sent: line breaks, which would start a header of their own, cut. */
  private static String field(String text) {
    return text.replace("\r", "").replace("\n", "");
  }

  /**
   * The request: the head, the length, the forwarded address and the {@code traceparent} (each left
   * out when null or malformed), then the payload.
   */
  ByteBuffer[] request(byte[] payload, String forwardedFor, String traceparent) {
    String tail =
        payload.length
            + (forwardedFor == null || !ADDRESS.matcher(forwardedFor).matches()
                ? ""
                : "\r\nX-Forwarded-For: " + forwardedFor)
            + (Trace.valid(traceparent) ? "\r\ntraceparent: " + traceparent : "")
            + "\r\n\r\n";
    byte[] tailBytes = tail.getBytes(StandardCharsets.ISO_8859_1);
    return new ByteBuffer[] {
      ByteBuffer.wrap(head), ByteBuffer.wrap(tailBytes), ByteBuffer.wrap(payload)
    };
  }

  /** Sends {@code exchange} on an idle connection, or on a new one. */
  void send(Exchange exchange) {
    if (!exchange.submission) {
      for (Http1Connection c; (c = idle.pollFirst()) != null; ) {
        if (c.isOpen() && c.start(exchange)) {
          return;
        }
      }
    }
    open(exchange);
  }

  /** Takes back a connection whose exchange ended with a whole answer. */
  void release(Http1Connection c) {
    idle.offerFirst(c);
    if (retired && idle.remove(c)) {
      c.close();
    }
  }

  /** Drops a closed connection from the idle ones. */
  void forget(Http1Connection c) {
    idle.remove(c);
  }

  private void open(Exchange exchange) {
    InetSocketAddress address = new InetSocketAddress(host, port);
    SocketChannel channel = null;
    try {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      boolean connected = channel.connect(address);
      Http1Reactor reactor = reactors.get();
      Http1Connection c = new Http1Connection(channel, reactor, this, exchange);
      timer.schedule(
          () -> c.connectTimedOut(exchange), connectTimeout.toNanos(), TimeUnit.NANOSECONDS);
      reactor.execute(() -> c.register(connected));
    } catch (IOException | UnresolvedAddressException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException closing) {
          // never connected
        }
      }
      exchange.answer.completeExceptionally(
          e instanceof UnresolvedAddressException
              ? new UpstreamException(Kind.CONNECT, "connection refused")
              : HttpAnswers.classify(e));
    }
  }

  /** Closes the idle connections; those in use close when their exchange ends. */
  void retire() {
    retired = true;
    for (Http1Connection c; (c = idle.pollFirst()) != null; ) {
      c.close();
    }
  }
}
