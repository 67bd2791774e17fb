package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The frames one upstream WebSocket connection sends: one at a time, in order, without a lock. */
class UpstreamSocketTest {
  private static final UpstreamSocket.Listener QUIET =
      new UpstreamSocket.Listener() {
        @Override
        public void onNotification(String upstreamSubscription, byte[] message, UpstreamSocket s) {}

        @Override
        public void onClosed(UpstreamSocket socket, String reason) {}
      };

  private final ScriptedUpstreams upstream = new ScriptedUpstreams();

  private UpstreamSocket connect() {
    return UpstreamSocket.open(
            "w1", URI.create("ws://127.0.0.1:1"), Duration.ofSeconds(1), QUIET, upstream, 1 << 20)
        .join();
  }

  private static String text(CompletableFuture<byte[]> answer) {
    return new String(answer.join(), StandardCharsets.UTF_8);
  }

  @Test
  void aFrameIsSentOnlyOnceTheSendBeforeItCompletedAndInTheOrderAsked() throws Exception {
    upstream.holdSends = true;
    UpstreamSocket socket = connect();
    CompletableFuture<byte[]> subscribed = socket.request("eth_subscribe", "[\"newHeads\"]");
    CompletableFuture<byte[]> chain = socket.request("eth_chainId", "[]");
    CompletableFuture<byte[]> unsubscribed = socket.request("eth_unsubscribe", "[\"0x1\"]");
    List<String> methods = upstream.last().methods;
    assertEquals(List.of("eth_subscribe"), methods, "the others wait for the first send");

    upstream.completeSend(null);
    assertEquals(List.of("eth_subscribe", "eth_chainId"), methods);
    upstream.completeSend(null);
    upstream.completeSend(null);
    assertEquals(List.of("eth_subscribe", "eth_chainId", "eth_unsubscribe"), methods);
    assertEquals(1, upstream.mostOutstanding.get());
    assertTrue(text(subscribed).contains("\"result\":\"0x1\""), text(subscribed));
    assertTrue(text(chain).contains("\"result\":\"0x1\""), text(chain));
    assertTrue(text(unsubscribed).contains("\"result\":true"), text(unsubscribed));
  }

  @Test
  void aSendThatFailsFailsOnlyItsOwnRequest() throws Exception {
    upstream.holdSends = true;
    UpstreamSocket socket = connect();
    CompletableFuture<byte[]> lost = socket.request("eth_subscribe", "[\"newHeads\"]");
    CompletableFuture<byte[]> next = socket.request("eth_chainId", "[]");

    upstream.completeSend(new IOException("broken pipe"));
    ExecutionException failed = assertThrows(ExecutionException.class, lost::get);
    assertInstanceOf(IOException.class, failed.getCause());
    upstream.completeSend(null);
    assertTrue(text(next).contains("\"result\":\"0x1\""), text(next));
  }

  @Test
  void requestsFromManyThreadsAreAllSentNeverTwoAtOnce() throws Exception {
    UpstreamSocket socket = connect();
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<Future<CompletableFuture<byte[]>>> asked = new ArrayList<>();
      for (int i = 0; i < 800; i++) {
        asked.add(callers.submit(() -> socket.request("eth_chainId", "[]")));
      }
      for (Future<CompletableFuture<byte[]>> f : asked) {
        String answer = new String(f.get().get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertTrue(answer.contains("\"result\":\"0x1\""), answer);
      }
    } finally {
      callers.shutdownNow();
    }
    assertEquals(800, upstream.last().methods.size());
    assertEquals(1, upstream.mostOutstanding.get(), "the JDK WebSocket allows one send at a time");
  }

  @Test
  void aMessageOverTheCapIsNotAssembledAndGivesTheConnectionUp() {
    List<String> closed = new ArrayList<>();
    UpstreamSocket socket =
        UpstreamSocket.open(
                "w1",
                URI.create("ws://127.0.0.1:1"),
                Duration.ofSeconds(1),
                new UpstreamSocket.Listener() {
                  @Override
                  public void onNotification(
                      String subscription, byte[] message, UpstreamSocket s) {}

                  @Override
                  public void onClosed(UpstreamSocket s, String reason) {
                    closed.add(reason);
                  }
                },
                upstream,
                100)
            .join();
    assertTrue(text(socket.request("eth_chainId", "[]")).contains("0x1"), "small ones pass");
    ScriptedUpstreams.Connection c = upstream.last();
    c.listener.onText(
        c.socket, "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":\"" + "a".repeat(40), false);
    assertTrue(socket.isOpen(), "under the cap so far");
    c.listener.onText(c.socket, "b".repeat(40) + "\"}", true);
    assertTrue(c.aborted, "given up");
    assertEquals(List.of("a message over 100 characters"), closed);
  }
}
