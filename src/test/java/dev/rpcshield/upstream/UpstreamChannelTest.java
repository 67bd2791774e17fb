package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.Eventually;
import dev.rpcshield.testing.ManualScheduler;
import dev.rpcshield.testing.MapConfig;
import dev.rpcshield.upstream.chain.Timer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A network's channel to its WebSocket upstreams on a scripted client and a scheduler moved by
 * hand: callers share one attempt at a connection and wait without a lock, and a lost connection is
 * made again a second apart, a bounded number of times.
 */
class UpstreamChannelTest {
  private static final URI W1 = URI.create("ws://127.0.0.1:1");
  private static final URI W2 = URI.create("ws://127.0.0.1:2");
  private static final URI W3 = URI.create("ws://127.0.0.1:3");

  /** Records what the channel hands to what rides on it. */
  private static final class Riders implements UpstreamChannel.Riders {
    volatile boolean any = true;
    final List<UpstreamSocket> movedTo = new CopyOnWriteArrayList<>();
    final List<String> notified = new CopyOnWriteArrayList<>();

    @Override
    public boolean any() {
      return any;
    }

    @Override
    public void notification(String upstreamSubscription, byte[] message) {
      notified.add(upstreamSubscription);
    }

    @Override
    public void moveTo(UpstreamSocket socket) {
      movedTo.add(socket);
    }
  }

  private final HttpUpstreamTransport transport =
      new HttpUpstreamTransport(Duration.ofSeconds(1), 1 << 20);
  private final ScriptedUpstreams upstreams = new ScriptedUpstreams();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final Riders riders = new Riders();

  @AfterEach
  void close() {
    transport.close();
  }

  private static NetworkConfig config(String webSocketUpstreams) {
    Map<String, String> v = new HashMap<>();
    v.put("rpcshield.upstreams", "h1=http://127.0.0.1:1");
    v.put("rpcshield.upstreams.ws", webSocketUpstreams);
    v.put("rpcshield.chain-id", "1");
    return NetworksConfig.read(new Settings(new MapConfig(v))).networks().get(0);
  }

  private UpstreamChannel channel(Network network) {
    return new UpstreamChannel(network, new UpstreamDialer(network, upstreams), scheduler, riders);
  }

  /** The HTTP chain's timer, which these tests never reach. */
  private static final Timer NO_TIMER = (delay, task) -> () -> {};

  private UpstreamChannel channel(String webSocketUpstreams) {
    return channel(
        new Network(config(webSocketUpstreams), transport, upstreams, Clock.systemUTC(), NO_TIMER));
  }

  @Test
  void callersDuringAnAttemptShareItAndWaitWithoutHoldingALock() throws Exception {
    upstreams.holdConnects = true;
    UpstreamChannel channel = channel("w1=" + W1);
    CompletableFuture<UpstreamSocket> firstGot = new CompletableFuture<>();
    CompletableFuture<UpstreamSocket> secondGot = new CompletableFuture<>();
    Thread first = Thread.ofPlatform().start(() -> firstGot.complete(channel.socket().join()));
    Thread second = Thread.ofPlatform().start(() -> secondGot.complete(channel.socket().join()));
    Eventually.within(
            Duration.ofSeconds(5), "both callers park on the attempt, neither blocked on a lock")
        .until(() ->
            first.getState() == Thread.State.WAITING && second.getState() == Thread.State.WAITING);

    assertTimeoutPreemptively(
        Duration.ofSeconds(1),
        () -> {
          assertFalse(channel.socket().isDone(), "a third caller gets the attempt, not a wait");
          assertNull(channel.current());
          channel.heartbeat();
          channel.recheck();
        },
        "nothing waits on a lock the callers hold");
    assertEquals(1, upstreams.attempts.get(), "one attempt for every caller");

    upstreams.openHeldConnects();
    UpstreamSocket socket = firstGot.get(5, TimeUnit.SECONDS);
    assertSame(socket, secondGot.get(5, TimeUnit.SECONDS));
    assertSame(socket, channel.current());
    assertEquals(1, upstreams.connections.size());
  }

  @Test
  void connectsInFailoverOrderToTheFirstUpstreamOnItsNetworksChain() {
    upstreams.refused.add(W1);
    upstreams.chains.put(W2, 5L);
    UpstreamChannel channel = channel("w1=" + W1 + ",w2=" + W2 + ",w3=" + W3);

    UpstreamSocket socket = channel.socket().join();
    assertEquals("w3", socket.name());
    assertEquals(W3, socket.url());
    assertEquals(List.of("eth_chainId"), upstreams.last().methods, "its chain was asked first");
    ScriptedUpstreams.Connection wrongChain = upstreams.connections.get(0);
    assertEquals(W2, wrongChain.url);
    assertTrue(wrongChain.aborted, "the connection on another chain is closed");
    assertFalse(upstreams.last().aborted);
  }

  @Test
  void anAttemptWhereNoUpstreamServesSaysWhyOfEach() {
    upstreams.refused.add(W1);
    upstreams.chains.put(W2, 5L);
    UpstreamChannel channel = channel("w1=" + W1 + ",w2=" + W2);

    CompletionException failed =
        assertThrows(CompletionException.class, () -> channel.socket().join());
    assertEquals(
        "no WebSocket upstream: w1: cannot connect; w2: on chain 5 but its network is chain 1",
        failed.getCause().getMessage());
    assertNull(channel.current());
    upstreams.chains.clear();
    assertEquals("w2", channel.socket().join().name(), "the next caller tries again");
  }

  @Test
  void aLostConnectionIsMadeAgainASecondApartOnTheSchedulerAndItsRidersMoveThere() {
    UpstreamChannel channel = channel("w1=" + W1);
    UpstreamSocket lost = channel.socket().join();
    upstreams.refused.add(W1);
    upstreams.last().drop();
    assertNull(channel.current());
    assertEquals(2, upstreams.attempts.get(), "the first attempt is made at once");

    scheduler.advance(UpstreamChannel.RETRY.minusMillis(1));
    assertEquals(2, upstreams.attempts.get(), "the next waits a second");
    scheduler.advance(Duration.ofMillis(1));
    assertEquals(3, upstreams.attempts.get());

    upstreams.refused.clear();
    scheduler.advance(UpstreamChannel.RETRY);
    assertEquals(4, upstreams.attempts.get());
    UpstreamSocket again = channel.current();
    assertNotNull(again);
    assertNotSame(lost, again);
    assertEquals(List.of(again), riders.movedTo);
    assertEquals(0, scheduler.waiting(), "nothing more is scheduled");
  }

  @Test
  void attemptsAfterALossStopAtTheBoundAndACallerCanConnectLater() {
    UpstreamChannel channel = channel("w1=" + W1);
    channel.socket().join();
    upstreams.refused.add(W1);
    upstreams.last().drop();

    for (int i = 0; i < 2 * UpstreamChannel.ATTEMPTS; i++) {
      scheduler.advance(UpstreamChannel.RETRY);
    }
    assertEquals(1 + UpstreamChannel.ATTEMPTS, upstreams.attempts.get());
    assertEquals(0, scheduler.waiting(), "no attempt is left scheduled");
    assertTrue(riders.movedTo.isEmpty());

    upstreams.refused.clear();
    assertNotNull(channel.socket().join());
  }

  @Test
  void noAttemptIsMadeForALossOnceNothingRides() {
    UpstreamChannel channel = channel("w1=" + W1);
    channel.socket().join();
    upstreams.refused.add(W1);
    upstreams.last().drop();
    assertEquals(2, upstreams.attempts.get());

    riders.any = false;
    scheduler.advance(UpstreamChannel.RETRY.multipliedBy(5));
    assertEquals(2, upstreams.attempts.get(), "the round of attempts ended");
    assertEquals(0, scheduler.waiting());

    upstreams.refused.clear();
    channel.socket().join();
    upstreams.last().drop();
    assertEquals(3, upstreams.attempts.get(), "a loss with nothing riding is not made again");
    assertEquals(0, scheduler.waiting());
  }

  @Test
  void anUpstreamRemovedWhileItWasConnectingIsLeftOnceConnected() {
    upstreams.holdConnects = true;
    Network network =
        new Network(config("w1=" + W1), transport, upstreams, Clock.systemUTC(), NO_TIMER);
    UpstreamChannel channel = channel(network);
    CompletableFuture<UpstreamSocket> attempt = channel.socket();

    network.apply(network.plan(config("w2=" + W2)));
    channel.recheck();
    assertFalse(attempt.isDone(), "the recheck does not wait for the attempt");
    upstreams.holdConnects = false;
    upstreams.openHeldConnects();

    assertEquals(W1, attempt.join().url());
    assertFalse(attempt.join().isOpen(), "the removed upstream's connection is closed");
    assertEquals(W2, channel.current().url());
    assertEquals(List.of(channel.current()), riders.movedTo);
  }

  @Test
  void onlyTheLiveConnectionsNotificationsReachTheRiders() {
    UpstreamChannel channel = channel("w1=" + W1);
    UpstreamSocket live = channel.socket().join();
    byte[] frame = "{}".getBytes(StandardCharsets.UTF_8);
    channel.onNotification("0x1", frame, live);
    upstreams.last().drop();
    channel.onNotification("0x2", frame, live);
    assertEquals(List.of("0x1"), riders.notified);
  }
}
