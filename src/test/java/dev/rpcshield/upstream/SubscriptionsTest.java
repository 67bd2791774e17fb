package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.config.Current;
import dev.rpcshield.config.Settings;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.ParseLimits;
import dev.rpcshield.jsonrpc.RpcBodyException;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcParser;
import dev.rpcshield.limit.SharedRedis;
import dev.rpcshield.testing.Eventually;
import dev.rpcshield.testing.ManualScheduler;
import dev.rpcshield.testing.MapConfig;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * eth_subscribe against a scripted upstream node: a pass-through kind over the network's shared
 * upstream WebSocket; newHeads and logs from the network's blocks, with no upstream subscription of
 * their own.
 */
class SubscriptionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A client connection: what it was sent and why it was ended, if it was. */
  private static final class Connection implements ClientSink {
    final List<String> ends = new ArrayList<>();

    @Override
    public void send(byte[] message) {}

    @Override
    public void end(String reason) {
      ends.add(reason);
    }

    @Override
    public boolean isOpen() {
      return ends.isEmpty();
    }

    @Override
    public Caller caller() {
      return new Caller("127.0.0.1", null, null);
    }
  }

  /**
   * The WebSocket upstream as the gateway's HTTP client reaches it: every frame sent to it is
   * answered at once, on the sending thread. {@link #beforeSubscribeAnswer} and {@link
   * #afterSubscribeAnswer} (given the connection and its listener) run there too, so what they do
   * happens while an eth_subscribe is in flight, or after its answer arrived and before the gateway
   * reads it.
   */
  private static final class Node extends WebSocketOnlyClient {
    volatile Runnable beforeSubscribeAnswer = () -> {};
    volatile BiConsumer<WebSocket, WebSocket.Listener> afterSubscribeAnswer = (ws, listener) -> {};
    final List<String> unsubscribed = new CopyOnWriteArrayList<>();
    final AtomicInteger subscriptions = new AtomicInteger();
    final AtomicInteger connections = new AtomicInteger();
    volatile WebSocket lastSocket;
    volatile WebSocket.Listener lastListener;

    /** The newest connection drops, as when the upstream goes away. */
    void drop() {
      lastListener.onClose(lastSocket, 1006, "");
    }

    @Override
    public WebSocket.Builder newWebSocketBuilder() {
      return (WebSocket.Builder)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {WebSocket.Builder.class},
              (builder, m, args) ->
                  switch (m.getName()) {
                    case "buildAsync" -> {
                      connections.incrementAndGet();
                      yield CompletableFuture.completedFuture(socket((WebSocket.Listener) args[1]));
                    }
                    case "header", "connectTimeout", "subprotocols" -> builder;
                    default -> throw new UnsupportedOperationException(m.getName());
                  });
    }

    private WebSocket socket(WebSocket.Listener listener) {
      WebSocket[] self = new WebSocket[1];
      self[0] =
          (WebSocket)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {WebSocket.class},
                  (ws, m, args) ->
                      switch (m.getName()) {
                        case "sendText" -> {
                          answer(self[0], listener, JSON.readTree(args[0].toString()));
                          yield CompletableFuture.completedFuture(ws);
                        }
                        case "sendPing", "sendClose" -> CompletableFuture.completedFuture(ws);
                        case "request", "abort" -> null;
                        default -> throw new UnsupportedOperationException(m.getName());
                      });
      lastListener = listener;
      lastSocket = self[0];
      listener.onOpen(self[0]);
      return self[0];
    }

    private void answer(WebSocket ws, WebSocket.Listener listener, JsonNode call) {
      boolean subscribe = call.get("method").asText().equals("eth_subscribe");
      if (subscribe) {
        beforeSubscribeAnswer.run();
      } else {
        unsubscribed.add(call.get("params").get(0).asText());
      }
      String result = subscribe ? "\"0x" + subscriptions.incrementAndGet() + "\"" : "true";
      String answer = "{\"jsonrpc\":\"2.0\",\"id\":" + call.get("id") + ",\"result\":" + result;
      listener.onText(ws, answer + "}", true);
      if (subscribe) {
        afterSubscribeAnswer.accept(ws, listener);
      }
    }
  }

  private final Node node = new Node();
  private final Upstreams upstreams = new Upstreams();
  private final Subscriptions subscriptions = new Subscriptions();

  private static final SubscriptionCaps CAPS = new SubscriptionCaps(1, 10);

  private static NetworksConfig config(String webSocketUpstreams) {
    Map<String, String> v = new HashMap<>();
    v.put("rpcshield.upstreams", "h1=http://127.0.0.1:1");
    v.put("rpcshield.upstreams.ws", webSocketUpstreams);
    return NetworksConfig.read(new Settings(new MapConfig(v)));
  }

  @BeforeEach
  void start() {
    upstreams.current = Current.of(config("w1=ws://127.0.0.1:1"));
    upstreams.clock = Clock.systemUTC();
    upstreams.webSockets = node;
    upstreams.redis = new SharedRedis();
    upstreams.start();
    subscriptions.upstreams = upstreams;
    subscriptions.client = node;
    subscriptions.start();
  }

  @AfterEach
  void stop() {
    subscriptions.stop();
    upstreams.stop();
  }

  /** Applies a new list of WebSocket upstreams as a live reload does. */
  private void reload(String webSocketUpstreams) {
    upstreams.reconcile(config(webSocketUpstreams));
    subscriptions.reconcile();
  }

  private static RpcCall call(String method, String params) {
    byte[] body =
        ("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\",\"params\":" + params + "}")
            .getBytes(StandardCharsets.UTF_8);
    try {
      return (RpcCall)
          new RpcParser(ParseLimits.DEFAULTS).parse(body, body.length).members().get(0);
    } catch (RpcBodyException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private JsonNode subscribe(Connection client) throws Exception {
    RpcCall call = call("eth_subscribe", "[\"newPendingTransactions\"]");
    return JSON.readTree(
        subscriptions.subscribe(upstreams.defaultNetwork(), client, call, CAPS, "req-1"));
  }

  /** The call is refused and its slot given back; a later one on the same connection is served. */
  private void assertRefusedThenServedAgain(Connection client, String backAgain) throws Exception {
    JsonNode answer = subscribe(client);
    assertEquals(-32011, answer.path("error").path("code").asInt(), answer.toString());
    assertEquals(0, subscriptions.active(), "no subscription is left that nothing serves");
    assertTrue(client.ends.isEmpty(), "the answer tells the client; its connection stays");

    node.afterSubscribeAnswer = (ws, listener) -> {};
    reload(backAgain);
    JsonNode again = subscribe(client);
    assertTrue(again.path("result").asText().matches("0x[0-9a-f]{32}"), again.toString());
    assertEquals(1, subscriptions.active());
    assertEquals(2, node.connections.get(), "served on a new connection");
  }

  @Test
  void aSubscriptionAnsweredJustBeforeItsNetworkLosesItsLastWebSocketUpstreamIsRefused()
      throws Exception {
    node.afterSubscribeAnswer = (ws, listener) -> reload(",");
    assertRefusedThenServedAgain(new Connection(), "w1=ws://127.0.0.1:1");
  }

  @Test
  void aSubscriptionAnsweredJustBeforeItsUpstreamConnectionDropsIsRefused() throws Exception {
    node.afterSubscribeAnswer = (ws, listener) -> listener.onClose(ws, 1001, "going away");
    assertRefusedThenServedAgain(new Connection(), "w1=ws://127.0.0.1:1");
  }

  @Test
  void aSubscriptionEndedWhileItMovesToAnotherUpstreamIsEndedThereToo() throws Exception {
    Connection client = new Connection();
    String id = subscribe(client).get("result").asText();
    node.beforeSubscribeAnswer =
        () -> subscriptions.unsubscribe(client, call("eth_unsubscribe", "[\"" + id + "\"]"));
    node.drop();
    Eventually.within(Duration.ofSeconds(10), "the moved subscription is ended upstream")
        .until(() -> node.unsubscribed.contains("0x2"));
    assertEquals(0, subscriptions.active());
  }

  /** Waiting on a future (with or without a deadline), not blocked on a monitor. */
  private static boolean parked(Thread t) {
    Thread.State s = t.getState();
    return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
  }

  @Test
  void subscribesWaitingForAConnectionShareItAndHoldNoLockOtherCallsWaitOn() throws Exception {
    ScriptedUpstreams held = new ScriptedUpstreams();
    held.holdConnects = true;
    Subscriptions waiting = new Subscriptions();
    waiting.upstreams = upstreams;
    waiting.client = held;
    waiting.start();
    try {
      RpcCall call = call("eth_subscribe", "[\"newPendingTransactions\"]");
      CompletableFuture<byte[]> first = new CompletableFuture<>();
      CompletableFuture<byte[]> second = new CompletableFuture<>();
      Thread a =
          Thread.ofPlatform()
              .start(() ->
                  first.complete(
                      waiting.subscribe(
                          upstreams.defaultNetwork(), new Connection(), call, CAPS, "req-1")));
      Thread b =
          Thread.ofPlatform()
              .start(() ->
                  second.complete(
                      waiting.subscribe(
                          upstreams.defaultNetwork(), new Connection(), call, CAPS, "req-1")));
      Eventually.within(Duration.ofSeconds(5), "both calls park on the connection, not a lock")
          .until(() -> parked(a) && parked(b));

      assertTimeoutPreemptively(
          Duration.ofSeconds(1),
          () -> {
            RpcCall unsubscribe = call("eth_unsubscribe", "[\"0x1\"]");
            assertEquals(
                "false",
                JSON.readTree(waiting.unsubscribe(new Connection(), unsubscribe))
                    .get("result")
                    .asText());
            waiting.reconcile();
            waiting.disconnected(new Connection());
          },
          "other calls go on while the subscribes wait");
      assertEquals(1, held.attempts.get(), "one connection attempt for both");

      held.openHeldConnects();
      for (CompletableFuture<byte[]> answer : List.of(first, second)) {
        JsonNode served = JSON.readTree(answer.get(5, TimeUnit.SECONDS));
        assertTrue(served.path("result").asText().matches("0x[0-9a-f]{32}"), served.toString());
      }
      assertEquals(2, waiting.active());
      assertEquals(1, held.connections.size());
    } finally {
      waiting.stop();
    }
  }

  @Test
  void afterALossEachSubscriptionMovesOnceAndIsEndedWhereItRuns() throws Exception {
    ScriptedUpstreams scripted = new ScriptedUpstreams();
    ManualScheduler scheduler = new ManualScheduler();
    Subscriptions moving = new Subscriptions();
    moving.upstreams = upstreams;
    moving.client = scripted;
    moving.start(scheduler);
    RpcCall call = call("eth_subscribe", "[\"newPendingTransactions\"]");
    Connection first = new Connection();
    String firstId =
        JSON.readTree(moving.subscribe(upstreams.defaultNetwork(), first, call, CAPS, "req-1"))
            .get("result")
            .asText();
    URI w1 = URI.create("ws://127.0.0.1:1");
    scripted.refused.add(w1);
    scripted.last().drop();
    assertEquals(2, scripted.attempts.get(), "the first attempt after the loss was refused");

    scripted.refused.clear();
    Connection second = new Connection();
    JsonNode secondServed =
        JSON.readTree(moving.subscribe(upstreams.defaultNetwork(), second, call, CAPS, "req-1"));
    assertTrue(secondServed.path("result").asText().matches("0x[0-9a-f]{32}"));
    ScriptedUpstreams.Connection now = scripted.last();
    scheduler.advance(UpstreamChannel.RETRY);
    assertEquals(
        List.of("eth_subscribe", "eth_subscribe"),
        now.methods,
        "the second's own subscription, then the first moved there; the second not again");

    moving.unsubscribe(first, call("eth_unsubscribe", "[\"" + firstId + "\"]"));
    assertEquals(List.of("0x3"), now.unsubscribed, "the first's subscription on the new one");
    assertEquals(List.of("eth_subscribe"), scripted.connections.get(0).methods);
    moving.stop();
  }

  private JsonNode subscribe(Connection client, String params) throws Exception {
    RpcCall call = call("eth_subscribe", params);
    return JSON.readTree(
        subscriptions.subscribe(upstreams.defaultNetwork(), client, call, CAPS, "req-1"));
  }

  @Test
  void subscriptionsBuiltFromBlocksShareOneFollowerPerUpstreamWhileThereAreAny() throws Exception {
    ManualScheduler scheduler = new ManualScheduler();
    Subscriptions blocks = new Subscriptions();
    blocks.upstreams = upstreams;
    blocks.client = node;
    blocks.start(scheduler);
    try {
      Map<Connection, String> ids = new HashMap<>();
      for (String params :
          List.of("[\"newHeads\"]", "[\"newHeads\"]", "[\"logs\",{\"address\":[]}]")) {
        Connection client = new Connection();
        RpcCall call = call("eth_subscribe", params);
        JsonNode served =
            JSON.readTree(blocks.subscribe(upstreams.defaultNetwork(), client, call, CAPS, "r"));
        assertTrue(served.path("result").asText().matches("0x[0-9a-f]{32}"), served.toString());
        ids.put(client, served.get("result").asText());
      }
      scheduler.advance(Duration.ZERO);
      assertEquals(1, node.connections.get(), "one connection, the upstream's follower");
      assertEquals(1, node.subscriptions.get(), "one upstream subscription for all three");

      ids.forEach(
          (client, id) -> blocks.unsubscribe(client, call("eth_unsubscribe", "[\"" + id + "\"]")));
      assertEquals(0, blocks.active());
      RpcCall again = call("eth_subscribe", "[\"newHeads\"]");
      Connection back = new Connection();
      String id =
          JSON.readTree(blocks.subscribe(upstreams.defaultNetwork(), back, again, CAPS, "r"))
              .get("result")
              .asText();
      blocks.unsubscribe(back, call("eth_unsubscribe", "[\"" + id + "\"]"));
      assertEquals(1, node.connections.get(), "followed on for a while after the last one ended");

      scheduler.advance(Subscriptions.LINGER);
      blocks.subscribe(upstreams.defaultNetwork(), new Connection(), again, CAPS, "r");
      scheduler.advance(Duration.ZERO);
      assertEquals(2, node.connections.get(), "stopped once idle that long; now followed again");
    } finally {
      blocks.stop();
    }
  }

  @Test
  void withNoWebSocketUpstreamNewHeadsIsServedFromThePollsAndAPassThroughKindIsRefused()
      throws Exception {
    reload(",");
    JsonNode heads = subscribe(new Connection(), "[\"newHeads\"]");
    assertTrue(heads.path("result").asText().matches("0x[0-9a-f]{32}"), heads.toString());
    JsonNode pending = subscribe(new Connection(), "[\"newPendingTransactions\"]");
    assertEquals(-32011, pending.path("error").path("code").asInt(), pending.toString());
    assertEquals(0, node.connections.get());
  }

  @Test
  void losingEveryWebSocketUpstreamEndsOnlyConnectionsHoldingAPassThroughSubscription()
      throws Exception {
    Connection heads = new Connection();
    Connection pending = new Connection();
    subscribe(heads, "[\"newHeads\"]");
    subscribe(pending, "[\"newPendingTransactions\"]");
    reload(",");
    assertEquals(List.of("no WebSocket upstream is configured for subscriptions"), pending.ends);
    assertEquals(List.of(), heads.ends, "newHeads goes on from the head polls");
    assertEquals(1, subscriptions.active());
  }
}
