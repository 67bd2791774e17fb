package dev.rpcshield.ws;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rpcshield.config.Current;
import dev.rpcshield.config.Generation;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.net.OriginPolicy;
import dev.rpcshield.pipeline.GatewayReply;
import dev.rpcshield.pipeline.Pipeline;
import dev.rpcshield.pipeline.Request;
import dev.rpcshield.telemetry.RequestMetrics;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One connection's in-flight cap, without a server: the pipeline and the session are stand-ins. */
class RpcSocketTest {
  private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopPinger() {
    pinger.shutdownNow();
  }

  /** Answers every body with itself; refusals are marked. */
  private static final class EchoPipeline extends Pipeline {
    @Override
    public CompletionStage<GatewayReply> serve(Request request) {
      return CompletableFuture.completedFuture(new GatewayReply(200, request.body(), null));
    }

    @Override
    public GatewayReply refuse(Request request, Refusal refusal) {
      return new GatewayReply(
          200, ("refused " + refusal.error().message()).getBytes(StandardCharsets.UTF_8), null);
    }
  }

  private static final class UncountedMetrics extends RequestMetrics {
    @Override
    public void socketMessage() {}
  }

  @Test
  void aClientThatSendsItsNextRequestOnReadingAnAnswerStaysWithinTheCap() {
    List<String> written = new CopyOnWriteArrayList<>();
    AtomicInteger sent = new AtomicInteger();
    @SuppressWarnings("unchecked")
    Consumer<String>[] client = new Consumer[1];
    RemoteEndpoint.Async remote =
        (RemoteEndpoint.Async)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class},
                (p, m, args) -> {
                  if (m.getName().equals("sendText") && args.length == 2) {
                    written.add((String) args[0]);
                    // The client reads this answer and sends its next request at once, before
                    // the write has even completed.
                    if (sent.incrementAndGet() < 20) {
                      client[0].accept("call " + sent.get());
                    }
                    ((SendHandler) args[1]).onResult(new SendResult());
                    return null;
                  }
                  throw new UnsupportedOperationException(m.getName());
                });
    Session session =
        (Session)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Session.class},
                (p, m, args) ->
                    switch (m.getName()) {
                      case "isOpen" -> true;
                      case "getAsyncRemote" -> remote;
                      case "addMessageHandler" -> {
                        if (args[0] == String.class) {
                          @SuppressWarnings("unchecked")
                          MessageHandler.Whole<String> h = (MessageHandler.Whole<String>) args[1];
                          client[0] = h::onMessage;
                        }
                        yield null;
                      }
                      case "setMaxTextMessageBufferSize",
                          "setMaxBinaryMessageBufferSize",
                          "setMaxIdleTimeout" ->
                          null;
                      default -> throw new UnsupportedOperationException(m.getName());
                    });
    SocketSettings oneInFlight =
        new SocketSettings(
            1 << 20,
            Duration.ofMinutes(10),
            Duration.ofMinutes(10),
            1,
            16,
            OriginPolicy.ANY,
            0,
            Duration.ofMinutes(1));
    RpcSocket socket =
        new RpcSocket(
            new EchoPipeline(),
            null,
            oneInFlight,
            pinger,
            new Caller("203.0.113.1", null, null),
            null,
            Current.of(Generation.numbered(1, Instant.EPOCH)),
            new AtomicInteger(),
            new UncountedMetrics(),
            null);
    socket.onOpen(session, null);

    client[0].accept("call 0");

    await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 20);
    for (int i = 0; i < 20; i++) {
      assertEquals("call " + i, written.get(i), "answer " + i + " served, not refused");
    }
  }
}
