package dev.rpcshield.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket connection to an upstream, shared by many clients: requests carry gateway ids and
 * their answers are matched back; subscription notifications are handed to a listener with the
 * upstream's subscription id. Sends are serialised, as the JDK WebSocket requires: a queue that
 * whoever finds it idle drains, one frame after the last one's send completed, so no caller waits
 * on a lock or on the network.
 */
public final class UpstreamSocket {
  private static final JsonFactory JSON = new JsonFactory();

  /** Receives what the upstream pushes. */
  public interface Listener {
    /** A notification for an upstream subscription id; {@code message} is the whole frame. */
    void onNotification(String upstreamSubscription, byte[] message, UpstreamSocket from);

    /** The connection is gone; pending requests have already failed. */
    void onClosed(UpstreamSocket socket, String reason);
  }

  private final String name;
  private final URI url;
  private final Listener listener;
  private final long maxMessageChars;
  private final Map<Long, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final StringBuilder partial = new StringBuilder();

  /** Frames waiting to be sent, in the order their requests were made. */
  private final Queue<Outgoing> outbox = new ConcurrentLinkedQueue<>();

  /** Frames queued and not yet sent; whoever raises it from zero sends until it is back there. */
  private final AtomicInteger unsent = new AtomicInteger();

  private volatile WebSocket socket;
  private volatile boolean closed;

  /** When anything (a frame or a pong) last came from the upstream, in nanoTime. */
  private volatile long lastHeard = System.nanoTime();

  private record Outgoing(long id, String frame) {}

  private UpstreamSocket(String name, URI url, Listener listener, long maxMessageChars) {
    this.name = name;
    this.url = url;
    this.listener = listener;
    this.maxMessageChars = maxMessageChars;
  }

  /**
   * Connects, completing within {@code timeout} (and half a second) or failing with an {@link
   * IOException}; a connection that opens after that is aborted. Nothing waits for it here. A
   * message from the upstream longer than {@code maxMessageChars} characters is not assembled: the
   * connection is given up instead (what was pending on it fails), so a lying upstream cannot fill
   * the heap.
   */
  public static CompletableFuture<UpstreamSocket> open(
      String name,
      URI url,
      Duration timeout,
      Listener listener,
      HttpClient client,
      long maxMessageChars) {
    UpstreamSocket s = new UpstreamSocket(name, url, listener, maxMessageChars);
    CompletableFuture<WebSocket> built =
        client.newWebSocketBuilder().connectTimeout(timeout).buildAsync(url, s.new Receiver());
    return built
        .copy()
        .orTimeout(timeout.toMillis() + 500, TimeUnit.MILLISECONDS)
        .handle((ws, failed) -> {
          if (failed != null) {
            built.thenAccept(WebSocket::abort);
            throw new CompletionException(new IOException("cannot connect to " + name, failed));
          }
          s.socket = ws;
          return s;
        });
  }

  public String name() {
    return name;
  }

  /** Where it is connected. */
  public URI url() {
    return url;
  }

  public boolean isOpen() {
    return !closed;
  }

  /**
   * Sends a request whose id is replaced by a fresh gateway id and returns its answer frame (with
   * the gateway id still in it).
   */
  public CompletableFuture<byte[]> request(String method, String paramsJson) {
    long id = nextId.getAndIncrement();
    CompletableFuture<byte[]> answer = new CompletableFuture<>();
    if (closed) {
      answer.completeExceptionally(new IOException(name + " connection closed"));
      return answer;
    }
    pending.put(id, answer);
    String frame =
        "{\"jsonrpc\":\"2.0\",\"id\":"
            + id
            + ",\"method\":\""
            + method
            + "\",\"params\":"
            + paramsJson
            + "}";
    enqueue(id, frame);
    return answer;
  }

  /**
   * Sends one JSON-RPC call as it is, its id {@code id} (unique among the calls in flight on this
   * connection), and returns its answer frame. A call whose id is already in flight here fails.
   */
  public CompletableFuture<byte[]> call(long id, byte[] payload) {
    CompletableFuture<byte[]> answer = new CompletableFuture<>();
    if (closed) {
      answer.completeExceptionally(new IOException(name + " connection closed"));
    } else if (pending.putIfAbsent(id, answer) != null) {
      answer.completeExceptionally(new IOException(name + ": id " + id + " already in flight"));
    } else if (closed && pending.remove(id, answer)) {
      // closed while the call was being added: closedBy may have failed the others before it
      answer.completeExceptionally(new IOException(name + " connection closed"));
    } else {
      enqueue(id, new String(payload, StandardCharsets.UTF_8));
    }
    return answer;
  }

  /**
   * Stops waiting for the answer to {@code id} (a late one is dropped); true when it was still
   * awaited.
   */
  public boolean forget(long id) {
    return pending.remove(id) != null;
  }

  private void enqueue(long id, String frame) {
    outbox.add(new Outgoing(id, frame));
    if (unsent.getAndIncrement() == 0) {
      sendQueued();
    }
  }

  /**
   * Sends queued frames one at a time: in this thread while each send completes at once, and from
   * the completion of the first that does not, so the stack stays flat and the order is kept.
   */
  private void sendQueued() {
    do {
      Outgoing next = outbox.remove();
      CompletableFuture<WebSocket> sent;
      try {
        sent = socket.sendText(next.frame(), true);
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      if (!sent.isDone()) {
        sent.whenComplete((ws, error) -> {
          failIf(next.id(), error);
          if (unsent.decrementAndGet() > 0) {
            sendQueued();
          }
        });
        return;
      }
      failIf(next.id(), sent.handle((ws, error) -> error).join());
    } while (unsent.decrementAndGet() > 0);
  }

  /**
   * Pings the upstream, and gives the connection up when nothing at all came from it for {@code
   * silence}: a peer that died without the connection closing (a killed host, a dropped route)
   * shows up here, so its subscriptions move on.
   */
  public void heartbeat(Duration silence) {
    WebSocket ws = socket;
    if (closed || ws == null) {
      return;
    }
    if (System.nanoTime() - lastHeard > silence.toNanos()) {
      ws.abort();
      closedBy("no answer to pings for " + silence.toMillis() + " ms");
      return;
    }
    ws.sendPing(ByteBuffer.allocate(0));
  }

  /** A request whose frame could not be sent fails with why. */
  private void failIf(long id, Throwable error) {
    CompletableFuture<byte[]> f = error == null ? null : pending.remove(id);
    if (f != null) {
      f.completeExceptionally(error);
    }
  }

  /** Closes the connection; pending requests fail. */
  public void close() {
    WebSocket ws = socket;
    if (ws != null && !closed) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "")
          .orTimeout(1, TimeUnit.SECONDS)
          .exceptionally(e -> ws);
      ws.abort();
    }
    closedBy("closed by the gateway");
  }

  private void closedBy(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    IOException gone = new IOException(name + ": " + reason);
    for (Long id : pending.keySet()) {
      CompletableFuture<byte[]> f = pending.remove(id);
      if (f != null) {
        f.completeExceptionally(gone);
      }
    }
    listener.onClosed(this, reason);
  }

  private void dispatch(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return;
      }
      Long id = null;
      String subscription = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (field.equals("id") && v == JsonToken.VALUE_NUMBER_INT) {
          id = p.getLongValue();
        } else if (field.equals("params") && v == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String inner = p.currentName();
            JsonToken iv = p.nextToken();
            if (inner.equals("subscription") && iv == JsonToken.VALUE_STRING) {
              subscription = p.getText();
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
      if (id != null) {
        CompletableFuture<byte[]> f = pending.remove(id);
        if (f != null) {
          f.complete(bytes);
        }
      } else if (subscription != null) {
        listener.onNotification(subscription, bytes, this);
      }
    } catch (IOException ignored) {
      // an upstream frame that is not JSON carries nothing we can route
    }
  }

  /** Assembles frames and watches the connection. */
  private final class Receiver implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      lastHeard = System.nanoTime();
      if (partial.length() + data.length() > maxMessageChars) {
        partial.setLength(0);
        ws.abort();
        closedBy("a message over " + maxMessageChars + " characters");
        return null;
      }
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        dispatch(text);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
      lastHeard = System.nanoTime();
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closedBy("closed by upstream (" + statusCode + ")");
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closedBy("connection failed");
    }
  }
}
