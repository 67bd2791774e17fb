package dev.rpcshield.upstream;

import dev.rpcshield.jsonrpc.UpstreamReply;
import dev.rpcshield.telemetry.EventLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Connects a network to the first of its WebSocket upstreams, in failover order, that may serve it:
 * in rotation and, on a network with a chain id, answering that chain's eth_chainId. Every step is
 * asynchronous, so nothing waits on the network here.
 */
final class UpstreamDialer {
  private static final Logger LOG = Logger.getLogger(UpstreamDialer.class.getName());

  private final Network network;
  private final HttpClient client;

  UpstreamDialer(Network network, HttpClient client) {
    this.network = network;
    this.client = client;
  }

  /**
   * A connection whose frames go to {@code listener}, completing with the first upstream that
   * serves; or failing with an {@link IOException} that says why of each upstream tried.
   */
  CompletableFuture<UpstreamSocket> dial(UpstreamSocket.Listener listener) {
    CompletableFuture<UpstreamSocket> attempt = new CompletableFuture<>();
    Iterator<Map.Entry<String, URI>> upstreams = network.webSocketUpstreams().entrySet().iterator();
    next(upstreams, new ArrayList<>(), attempt, listener);
    return attempt;
  }

  /** Asks {@code socket}; the answer fails after {@code timeout}. */
  static CompletableFuture<UpstreamReply> ask(
      UpstreamSocket socket, String method, String params, Duration timeout) {
    return socket
        .request(method, params)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(answer -> {
          try {
            return UpstreamReply.read(answer);
          } catch (IOException e) {
            throw new CompletionException(e);
          }
        });
  }

  private void next(
      Iterator<Map.Entry<String, URI>> upstreams,
      List<String> tried,
      CompletableFuture<UpstreamSocket> attempt,
      UpstreamSocket.Listener listener) {
    while (upstreams.hasNext()) {
      Map.Entry<String, URI> e = upstreams.next();
      String name = e.getKey();
      if (!inRotation(name)) {
        tried.add(name + ": out of service");
        continue;
      }
      open(name, e.getValue(), listener)
          .whenComplete((socket, refused) -> {
            if (refused == null) {
              served(socket, attempt);
            } else {
              tried.add(name + ": " + unwrap(refused).getMessage());
              next(upstreams, tried, attempt, listener);
            }
          });
      return;
    }
    attempt.completeExceptionally(
        new IOException("no WebSocket upstream: " + String.join("; ", tried)));
  }

  /**
   * A connection to {@code url} that may serve this network (on its chain, asked first), or an
   * IOException saying why not.
   */
  CompletableFuture<UpstreamSocket> open(String name, URI url, UpstreamSocket.Listener listener) {
    CompletableFuture<UpstreamSocket> opened;
    try {
      opened =
          UpstreamSocket.open(
              name, url, timeout(), listener, client, network.config().maxResponseBytes());
    } catch (RuntimeException e) {
      opened = CompletableFuture.failedFuture(e);
    }
    return opened
        .exceptionally(failed -> {
          throw new CompletionException(new IOException("cannot connect", failed));
        })
        .thenCompose(socket ->
            wrongChain(socket)
                .thenApply(wrong -> {
                  if (wrong == null && socket.isOpen()) {
                    return socket;
                  }
                  socket.close();
                  throw new CompletionException(
                      new IOException(wrong == null ? "cannot connect" : wrong));
                }));
  }

  /** An attempt that settled otherwise meanwhile (its caller stopped waiting) drops the socket. */
  private void served(UpstreamSocket socket, CompletableFuture<UpstreamSocket> attempt) {
    if (!attempt.complete(socket)) {
      socket.close();
      return;
    }
    LOG.info(() ->
        "subscriptions of network "
            + network.name()
            + " served by upstream WebSocket "
            + socket.name());
  }

  /** Why a new connection may not serve this network (its chain), or null; it never fails. */
  private CompletableFuture<String> wrongChain(UpstreamSocket socket) {
    if (network.chainId() == 0) {
      return CompletableFuture.completedFuture(null);
    }
    return ask(socket, "eth_chainId", "[]", timeout())
        .handle((reply, failed) -> {
          if (failed != null) {
            return "eth_chainId failed";
          }
          long seen = UpstreamWatcher.chainIdOf(reply);
          if (seen == network.chainId()) {
            return null;
          }
          String reason = "on chain " + seen + " but its network is chain " + network.chainId();
          EventLog.upstreamState(socket.name(), "CONNECTING", "WRONG_CHAIN", reason);
          return reason;
        });
  }

  /** A WebSocket upstream named like an HTTP upstream shares that upstream's health. */
  boolean inRotation(String name) {
    for (Upstream u : network.upstreams()) {
      if (u.name().equals(name)) {
        return u.breaker().inRotation();
      }
    }
    return true;
  }

  private Duration timeout() {
    return network.config().webSocketTimeout();
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
