package dev.rpcshield.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rpcshield.identity.Caller;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The outbound queue of one client connection: bounded, so a client that does not read is dropped.
 */
class SinkTest {
  /** A session whose writes complete only when the test says so (a client that stopped reading). */
  private static final class StalledSession {
    final List<String> written = new ArrayList<>();
    final List<SendHandler> pending = new ArrayList<>();
    CloseReason closed;

    Session session() {
      RemoteEndpoint.Async remote =
          (RemoteEndpoint.Async)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {RemoteEndpoint.Async.class},
                  (p, m, args) -> {
                    if (m.getName().equals("sendText") && args.length == 2) {
                      written.add((String) args[0]);
                      pending.add((SendHandler) args[1]);
                      return null;
                    }
                    throw new UnsupportedOperationException(m.getName());
                  });
      return (Session)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {Session.class},
              (p, m, args) ->
                  switch (m.getName()) {
                    case "isOpen" -> closed == null;
                    case "getAsyncRemote" -> remote;
                    case "close" -> {
                      closed = (CloseReason) args[0];
                      yield null;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                  });
    }

    void completeOne() {
      pending.remove(0).onResult(new SendResult());
    }
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesOneMessageAtATimeInOrder() {
    StalledSession client = new StalledSession();
    RpcSocket.Sink sink =
        new RpcSocket.Sink(client.session(), 4, new Caller("203.0.113.1", null, null));
    sink.send(text("a"));
    sink.send(text("b"));
    sink.send(text("c"));
    assertEquals(List.of("a"), client.written, "the next write waits for the previous one");
    client.completeOne();
    client.completeOne();
    assertEquals(List.of("a", "b", "c"), client.written);
    assertNull(client.closed);
  }

  @Test
  void aClientThatStopsReadingIsClosedWith1008InsteadOfGrowingTheQueue() {
    StalledSession client = new StalledSession();
    RpcSocket.Sink sink =
        new RpcSocket.Sink(client.session(), 4, new Caller("203.0.113.1", null, null));
    for (int i = 0; i < 4; i++) {
      sink.send(text("m" + i));
    }
    assertNull(client.closed, "up to the bound is fine");
    sink.send(text("m4"));
    assertEquals(CloseReason.CloseCodes.VIOLATED_POLICY, client.closed.getCloseCode());
    assertEquals("client is not reading", client.closed.getReasonPhrase());
    sink.send(text("after"));
    assertEquals(1, client.written.size(), "nothing more is written to a closed connection");
  }

  @Test
  void anEndedConnectionIsClosedWith1011AndTheReason() {
    StalledSession client = new StalledSession();
    RpcSocket.Sink sink =
        new RpcSocket.Sink(client.session(), 4, new Caller("203.0.113.1", null, null));
    sink.end("no WebSocket upstream is configured for subscriptions");
    assertEquals(1011, client.closed.getCloseCode().getCode());
    assertEquals(
        "no WebSocket upstream is configured for subscriptions", client.closed.getReasonPhrase());
    sink.send(text("late"));
    assertEquals(List.of(), client.written, "nothing is written after the end");
  }
}
