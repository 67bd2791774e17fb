package dev.rpcshield.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Follows newHeads on every WebSocket upstream of a network at once, one connection and one
 * upstream subscription each, while the network's block subscriptions need them: every header any
 * of them shows goes to {@code headers} (whichever shows a block first brings it; the repeats are
 * dropped downstream). A connection that cannot be made, is refused (another chain) or is lost is
 * made again on the scheduler, one second after the first failure and twice as long after each
 * further one, up to {@link #MAX_PAUSE}, for as long as the upstream stays configured; the pause
 * starts again from one second once a connection has brought a header, so an upstream that drops
 * every connection as soon as it is made is not asked every second. Headers from an upstream its
 * health took out of rotation (one named like an HTTP upstream: lagging, on another chain, failing)
 * are not taken. Nothing here waits on the network or holds a lock during I/O.
 */
final class HeadFollowers {
  private static final Logger LOG = Logger.getLogger(HeadFollowers.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
  static final Duration MAX_PAUSE = Duration.ofSeconds(30);

  private final Network network;
  private final UpstreamDialer dialer;
  private final ScheduledExecutorService timer;
  private final Consumer<JsonNode> headers;
  private final Map<String, Follower> followers = new ConcurrentHashMap<>();
  private boolean wanted;

  HeadFollowers(
      Network network,
      UpstreamDialer dialer,
      ScheduledExecutorService timer,
      Consumer<JsonNode> headers) {
    this.network = network;
    this.dialer = dialer;
    this.timer = timer;
    this.headers = headers;
  }

  /** Follows every WebSocket upstream of the network from now on. */
  synchronized void start() {
    wanted = true;
    recheck();
  }

  /** Stops following: every connection is closed. */
  synchronized void stop() {
    wanted = false;
    recheck();
  }

  /**
   * Follows the network's WebSocket upstreams as configured now: a new one is followed, a removed
   * one (or one now at another URL) is left. A new one connects on the scheduler, not here: opening
   * a connection can look its host up, which must not happen under this lock or the caller's.
   */
  synchronized void recheck() {
    Map<String, URI> configured = wanted ? network.webSocketUpstreams() : Map.of();
    followers
        .values()
        .removeIf(f -> {
          boolean gone = !f.url.equals(configured.get(f.name));
          if (gone) {
            f.close();
          }
          return gone;
        });
    configured.forEach((name, url) ->
        followers.computeIfAbsent(
            name,
            n -> {
              Follower f = new Follower(n, url);
              f.again(0);
              return f;
            }));
  }

  /** Pings each connection; one silent for a whole WebSocket timeout is made again. */
  void heartbeat() {
    followers.values().forEach(Follower::heartbeat);
  }

  /** How many upstreams are followed now: a live connection with its subscription made. */
  int following() {
    return (int) followers.values().stream().filter(Follower::following).count();
  }

  private Duration timeout() {
    return network.config().webSocketTimeout();
  }

  /** One upstream's newHeads. */
  private final class Follower implements UpstreamSocket.Listener {
    final String name;
    final URI url;

    /** The connection whose subscription is made; null while there is none. */
    final AtomicReference<UpstreamSocket> live = new AtomicReference<>();

    volatile boolean closed;

    /** Failures since a connection last brought a header; one attempt runs at a time. */
    volatile int failures;

    Follower(String name, URI url) {
      this.name = name;
      this.url = url;
    }

    boolean following() {
      UpstreamSocket s = live.get();
      return s != null && s.isOpen();
    }

    void connect() {
      if (closed) {
        return;
      }
      dialer
          .open(name, url, this)
          .thenCompose(socket ->
              UpstreamDialer.ask(socket, "eth_subscribe", "[\"newHeads\"]", timeout())
                  .handle((reply, failed) -> {
                    if (failed == null && SubscriptionFrames.upstreamId(reply) != null) {
                      return socket;
                    }
                    socket.close();
                    throw new CompletionException(new IOException("newHeads refused"));
                  }))
          .whenComplete((socket, failed) -> {
            if (failed != null) {
              retry(failed);
              return;
            }
            live.set(socket);
            if (closed) {
              // Stopped while connecting: close() may have found nothing to close yet.
              if (live.compareAndSet(socket, null)) {
                socket.close();
              }
              return;
            }
            if (!socket.isOpen()) {
              lost(socket, "closed as it subscribed");
            }
          });
    }

    private void retry(Throwable why) {
      if (closed) {
        return;
      }
      int failed = ++failures;
      if (failed == 1) {
        LOG.warning(() ->
            "cannot follow the heads of upstream WebSocket "
                + name
                + " ("
                + (why.getCause() != null ? why.getCause().getMessage() : why.getMessage())
                + "); trying again");
      }
      again(Math.min(MAX_PAUSE.toMillis(), FIRST_PAUSE.toMillis() << Math.min(failed - 1, 16)));
    }

    private void again(long pauseMillis) {
      try {
        timer.schedule(this::connect, pauseMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopping) {
        closed = true;
      }
    }

    void heartbeat() {
      UpstreamSocket s = live.get();
      if (s != null) {
        s.heartbeat(timeout());
      }
    }

    void close() {
      closed = true;
      UpstreamSocket s = live.getAndSet(null);
      if (s != null) {
        s.close();
      }
    }

    @Override
    public void onNotification(String upstreamSubscription, byte[] message, UpstreamSocket from) {
      if (closed || !dialer.inRotation(name)) {
        return;
      }
      JsonNode header;
      try {
        header = JSON.readTree(message).path("params").get("result");
      } catch (IOException e) {
        LOG.fine(() -> "a newHeads notification from " + name + " that is not JSON: dropped");
        return;
      }
      if (header != null && header.isObject()) {
        if (failures > 0) {
          failures = 0;
          LOG.info(() -> "following the heads of upstream WebSocket " + name + " again");
        }
        headers.accept(header);
      }
    }

    @Override
    public void onClosed(UpstreamSocket socket, String reason) {
      lost(socket, reason);
    }

    /** The live connection is gone: made again after a pause. */
    private void lost(UpstreamSocket socket, String reason) {
      if (live.compareAndSet(socket, null) && !closed) {
        retry(new IOException("lost: " + reason));
      }
    }
  }
}
