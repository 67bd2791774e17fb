package dev.rpcshield.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WebSocket upstreams as the gateway's HTTP client reaches them, scripted by the test: a connection
 * opens at once, is refused, or waits until the test opens it; every frame sent is recorded and
 * answered (eth_subscribe with a new id, eth_chainId with its {@link #chains} entry or 1, anything
 * else true, or nothing while {@link #silent}), at once or, with {@link #holdSends}, when the test
 * completes that send.
 */
final class ScriptedUpstreams extends WebSocketOnlyClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One connection the gateway opened. */
  static final class Connection {
    final URI url;
    final WebSocket.Listener listener;
    final List<String> methods = new CopyOnWriteArrayList<>();
    final List<String> unsubscribed = new CopyOnWriteArrayList<>();
    WebSocket socket;
    volatile boolean aborted;

    Connection(URI url, WebSocket.Listener listener) {
      this.url = url;
      this.listener = listener;
    }

    /** The connection drops, as when the upstream goes away. */
    void drop() {
      listener.onClose(socket, 1006, "");
    }
  }

  /** The chain of each upstream that is not on chain 1. */
  final Map<URI, Long> chains = new ConcurrentHashMap<>();

  /** Upstreams whose connections are refused. */
  final Set<URI> refused = ConcurrentHashMap.newKeySet();

  final List<Connection> connections = new CopyOnWriteArrayList<>();
  final AtomicInteger attempts = new AtomicInteger();

  /** Sends whose completion the test holds; with {@link #holdSends} every send waits here. */
  final Queue<CompletableFuture<WebSocket>> heldSends = new ConcurrentLinkedQueue<>();

  /** The most sends one connection had outstanding at once (the JDK allows one). */
  final AtomicInteger mostOutstanding = new AtomicInteger();

  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicInteger subscriptions = new AtomicInteger();
  private final Queue<Runnable> heldConnects = new ConcurrentLinkedQueue<>();

  volatile boolean holdConnects;
  volatile boolean holdSends;

  /** Calls other than eth_chainId and eth_subscribe get no answer, as from a stalled peer. */
  volatile boolean silent;

  /** Opens (or refuses) every connection held so far. */
  void openHeldConnects() {
    for (Runnable r; (r = heldConnects.poll()) != null; ) {
      r.run();
    }
  }

  /** Completes the oldest held send, or fails it with {@code failure} when that is not null. */
  void completeSend(Throwable failure) {
    CompletableFuture<WebSocket> f = heldSends.remove();
    if (failure == null) {
      f.complete(null);
    } else {
      f.completeExceptionally(failure);
    }
  }

  Connection last() {
    return connections.get(connections.size() - 1);
  }

  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    return (WebSocket.Builder)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {WebSocket.Builder.class},
            (builder, m, args) ->
                switch (m.getName()) {
                  case "buildAsync" -> connect((URI) args[0], (WebSocket.Listener) args[1]);
                  case "header", "connectTimeout", "subprotocols" -> builder;
                  default -> throw new UnsupportedOperationException(m.getName());
                });
  }

  private CompletableFuture<WebSocket> connect(URI url, WebSocket.Listener listener) {
    attempts.incrementAndGet();
    CompletableFuture<WebSocket> built = new CompletableFuture<>();
    Runnable settle =
        () -> {
          if (refused.contains(url)) {
            built.completeExceptionally(new IOException("connection refused"));
          } else {
            built.complete(open(new Connection(url, listener)));
          }
        };
    if (holdConnects) {
      heldConnects.add(settle);
    } else {
      settle.run();
    }
    return built;
  }

  private WebSocket open(Connection c) {
    c.socket =
        (WebSocket)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {WebSocket.class},
                (ws, m, args) ->
                    switch (m.getName()) {
                      case "sendText" -> send(c, JSON.readTree(args[0].toString()));
                      case "sendPing", "sendClose" -> CompletableFuture.completedFuture(ws);
                      case "abort" -> {
                        c.aborted = true;
                        yield null;
                      }
                      case "request" -> null;
                      default -> throw new UnsupportedOperationException(m.getName());
                    });
    connections.add(c);
    c.listener.onOpen(c.socket);
    return c.socket;
  }

  private CompletableFuture<WebSocket> send(Connection c, JsonNode call) {
    mostOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
    String method = call.get("method").asText();
    c.methods.add(method);
    if (method.equals("eth_unsubscribe")) {
      c.unsubscribed.add(call.get("params").get(0).asText());
    }
    String result =
        switch (method) {
          case "eth_subscribe" -> "\"0x" + subscriptions.incrementAndGet() + "\"";
          case "eth_chainId" -> "\"0x" + Long.toHexString(chains.getOrDefault(c.url, 1L)) + "\"";
          default -> "true";
        };
    String answer = "{\"jsonrpc\":\"2.0\",\"id\":" + call.get("id") + ",\"result\":" + result + "}";
    CompletableFuture<WebSocket> sent = new CompletableFuture<>();
    boolean answered = !silent || result.startsWith("\"");
    CompletableFuture<WebSocket> done =
        sent.whenComplete((ws, failed) -> {
          if (failed == null && answered) {
            c.listener.onText(c.socket, answer, true);
          }
        });
    if (holdSends) {
      heldSends.add(sent);
    } else {
      sent.complete(c.socket);
    }
    return done.whenComplete((ws, failed) -> outstanding.decrementAndGet());
  }
}
