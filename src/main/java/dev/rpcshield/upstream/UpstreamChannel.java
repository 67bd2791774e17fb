package dev.rpcshield.upstream;

import dev.rpcshield.jsonrpc.UpstreamReply;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * One network's connection to its WebSocket upstreams, without a lock: an attempt at a connection
 * is a future that every caller asking meanwhile shares, and a connection lost while subscriptions
 * ride on it is made again on the scheduler, {@link #RETRY} apart, at most {@link #ATTEMPTS} times.
 */
final class UpstreamChannel implements UpstreamSocket.Listener {
  private static final Logger LOG = Logger.getLogger(UpstreamChannel.class.getName());

  /** Attempts at a new connection after one is lost before giving up: about a minute of them. */
  static final int ATTEMPTS = 60;

  static final Duration RETRY = Duration.ofSeconds(1);

  /** What rides on the channel. */
  interface Riders {
    /** Whether anything would need a new connection. */
    boolean any();

    /** A notification that came on the live connection. */
    void notification(String upstreamSubscription, byte[] message);

    /** The connection was made again after a loss: everything riding moves to {@code socket}. */
    void moveTo(UpstreamSocket socket);
  }

  private final Network network;
  private final UpstreamDialer dialer;
  private final ScheduledExecutorService timer;
  private final Riders riders;

  /** The live connection or the attempt at one; null before the first and after a loss. */
  private final AtomicReference<CompletableFuture<UpstreamSocket>> connection =
      new AtomicReference<>();

  /** Whether a round of attempts after a loss is under way. */
  private final AtomicBoolean reconnecting = new AtomicBoolean();

  UpstreamChannel(
      Network network, UpstreamDialer dialer, ScheduledExecutorService timer, Riders riders) {
    this.network = network;
    this.dialer = dialer;
    this.timer = timer;
    this.riders = riders;
  }

  Network network() {
    return network;
  }

  /**
   * The live connection, or the attempt at one that whoever asked first started ({@link
   * UpstreamDialer#dial}); an attempt fails after {@link #connectWait} at the latest.
   */
  CompletableFuture<UpstreamSocket> socket() {
    while (true) {
      CompletableFuture<UpstreamSocket> seen = connection.get();
      UpstreamSocket made = made(seen);
      if (made != null && !made.isOpen()) {
        lost(made, "closed");
        continue;
      }
      if (seen != null && !seen.isCompletedExceptionally()) {
        return seen;
      }
      CompletableFuture<UpstreamSocket> attempt = new CompletableFuture<>();
      if (connection.compareAndSet(seen, attempt)) {
        dialer
            .dial(this)
            .orTimeout(connectWait().toMillis(), TimeUnit.MILLISECONDS)
            .whenComplete((socket, failed) -> {
              if (failed != null) {
                attempt.completeExceptionally(failed);
                return;
              }
              attempt.complete(socket);
              if (!socket.isOpen()) {
                lost(socket, "closed as it connected");
              }
            });
        return attempt;
      }
    }
  }

  /** The live connection, or null while there is none. */
  UpstreamSocket current() {
    UpstreamSocket s = made(connection.get());
    return s != null && s.isOpen() ? s : null;
  }

  /** The connection {@code f} made (open or since closed), or null when it made none (yet). */
  private static UpstreamSocket made(CompletableFuture<UpstreamSocket> f) {
    return f == null || !f.isDone() || f.isCompletedExceptionally() ? null : f.join();
  }

  /**
   * How long an attempt at a connection may take: each upstream in turn its connect timeout and
   * then as long again for its eth_chainId.
   */
  Duration connectWait() {
    Duration one = timeout().multipliedBy(2).plusMillis(500);
    return one.multipliedBy(Math.max(1, network.webSocketUpstreams().size()));
  }

  /** Asks {@code socket}; the answer fails after the network's WebSocket timeout. */
  CompletableFuture<UpstreamReply> ask(UpstreamSocket socket, String method, String params) {
    return UpstreamDialer.ask(socket, method, params, timeout());
  }

  private Duration timeout() {
    return network.config().webSocketTimeout();
  }

  /**
   * Pings the live connection; one silent for a whole WebSocket timeout is given up (and made
   * again).
   */
  void heartbeat() {
    UpstreamSocket s = current();
    if (s != null) {
      s.heartbeat(timeout());
    }
  }

  /**
   * Leaves an upstream that is no longer configured (or now at another URL) and moves what rides on
   * it, as on failover. An attempt still connecting is checked once it settles.
   */
  void recheck() {
    CompletableFuture<UpstreamSocket> f = connection.get();
    if (f != null && !f.isDone()) {
      f.whenComplete((s, failed) -> recheck());
      return;
    }
    UpstreamSocket s = made(f);
    if (s == null || s.url().equals(network.webSocketUpstreams().get(s.name()))) {
      return;
    }
    if (connection.compareAndSet(f, null)) {
      LOG.info(() -> "upstream WebSocket " + s.name() + " is no longer configured; moving");
      s.close();
      reconnect();
    }
  }

  /** Ends the connection, or the attempt at one once it is made. */
  void close() {
    CompletableFuture<UpstreamSocket> f = connection.getAndSet(null);
    if (f != null) {
      f.thenAccept(UpstreamSocket::close);
    }
  }

  @Override
  public void onNotification(String upstreamSubscription, byte[] message, UpstreamSocket from) {
    if (from == current()) {
      riders.notification(upstreamSubscription, message);
    }
  }

  @Override
  public void onClosed(UpstreamSocket socket, String reason) {
    lost(socket, reason);
  }

  /** {@code socket} is gone; when it was the live connection, what rode on it moves on. */
  private void lost(UpstreamSocket socket, String reason) {
    CompletableFuture<UpstreamSocket> f = connection.get();
    if (made(f) == socket && connection.compareAndSet(f, null)) {
      LOG.warning(() -> "upstream WebSocket " + socket.name() + " lost: " + reason);
      reconnect();
    }
  }

  /**
   * Connects again and moves the riders there; one round of attempts at a time. A round that made a
   * connection lost before the riders moved (its loss found the round still on) starts another.
   */
  private void reconnect() {
    if (reconnecting.compareAndSet(false, true)) {
      attempt(1);
    }
  }

  private void attempt(int n) {
    if (!riders.any()) {
      reconnecting.set(false);
      return;
    }
    socket()
        .whenComplete((socket, failed) -> {
          if (failed == null) {
            reconnecting.set(false);
            if (socket.isOpen()) {
              riders.moveTo(socket);
            } else {
              reconnect();
            }
          } else if (n >= ATTEMPTS) {
            reconnecting.set(false);
            LOG.warning(() -> "network " + network.name() + " gave up reconnecting: " + failed);
          } else {
            retryLater(n + 1);
          }
        });
  }

  private void retryLater(int n) {
    try {
      timer.schedule(() -> attempt(n), RETRY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      reconnecting.set(false);
    }
  }
}
