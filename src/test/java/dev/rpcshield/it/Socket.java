package dev.rpcshield.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A java.net.http WebSocket client of the gateway that collects what it receives. */
public final class Socket implements AutoCloseable {
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final WebSocket ws;

  public Socket(String path) {
    this(Integer.getInteger("it.http.port", 18545), path);
  }

  /** Connects to a gateway on another port (a second instance). */
  public Socket(int port, String path) {
    StringBuilder partial = new StringBuilder();
    WebSocket.Listener listener =
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              received.add(partial.toString());
              partial.setLength(0);
            }
            w.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            closed.complete(code);
            return null;
          }

          @Override
          public void onError(WebSocket w, Throwable error) {
            closed.complete(-1);
          }
        };
    URI uri = URI.create("ws://127.0.0.1:" + port + path);
    ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, listener).join();
  }

  public void send(String text) {
    ws.sendText(text, true).join();
  }

  /** Sends {@code text} as one binary frame of its UTF-8 bytes. */
  public void sendBinary(String text) {
    ws.sendBinary(
            java.nio.ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), true)
        .join();
  }

  /** The next message as sent, or fails after {@code seconds}. */
  public String nextText(int seconds) {
    try {
      String m = received.poll(seconds, TimeUnit.SECONDS);
      if (m == null) {
        throw new AssertionError("no message within " + seconds + " s");
      }
      return m;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The next message, or fails after {@code seconds}. */
  public JsonNode next(int seconds) {
    try {
      return Gateway.JSON.readTree(nextText(seconds));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends a request and returns the next message, which must answer it. */
  public JsonNode call(String json) {
    send(json);
    return next(10);
  }

  /**
   * Sends a request on a connection that has subscriptions and returns its answer, passing over the
   * notifications that arrive before it.
   */
  public JsonNode reply(String json) {
    send(json);
    for (int i = 0; i < 100; i++) {
      JsonNode m = next(10);
      if (!m.path("method").asText().equals("eth_subscription")) {
        return m;
      }
    }
    throw new AssertionError("no answer among 100 notifications to " + json);
  }

  /** The close code the server sent, waiting up to {@code seconds}. */
  public int closeCode(int seconds) throws Exception {
    return closed.get(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    ws.abort();
  }
}
