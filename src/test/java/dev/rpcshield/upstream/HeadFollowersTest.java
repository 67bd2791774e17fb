package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.ManualScheduler;
import dev.rpcshield.testing.MapConfig;
import dev.rpcshield.upstream.chain.Timer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A network's followers of newHeads on a scripted client and a scheduler moved by hand: every
 * WebSocket upstream is followed at once, each with one subscription; one that cannot be followed
 * is tried again one, two, four… seconds apart, up to half a minute; a lost one a second later.
 */
class HeadFollowersTest {
  private static final URI W1 = URI.create("ws://127.0.0.1:1");
  private static final URI W2 = URI.create("ws://127.0.0.1:2");
  private static final URI W3 = URI.create("ws://127.0.0.1:3");
  private static final Timer NO_TIMER = (delay, task) -> () -> {};

  private final HttpUpstreamTransport transport =
      new HttpUpstreamTransport(Duration.ofSeconds(1), 1 << 20);
  private final ScriptedUpstreams upstreams = new ScriptedUpstreams();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<String> headers = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    transport.close();
  }

  /** An HTTP upstream w1 (the same node as the WebSocket upstream w1) and another, h2. */
  private static Map<String, String> settings(String webSocketUpstreams) {
    Map<String, String> v = new HashMap<>();
    v.put("rpcshield.upstreams", "w1=http://127.0.0.1:1,h2=http://127.0.0.1:2");
    v.put("rpcshield.upstreams.ws", webSocketUpstreams);
    v.put("rpcshield.chain-id", "1");
    return v;
  }

  private static NetworkConfig config(String webSocketUpstreams) {
    return NetworksConfig.read(new Settings(new MapConfig(settings(webSocketUpstreams))))
        .networks()
        .get(0);
  }

  /** A network whose HTTP upstreams are on its chain, as their first head poll shows. */
  private Network network(String webSocketUpstreams) {
    Network n =
        new Network(config(webSocketUpstreams), transport, upstreams, Clock.systemUTC(), NO_TIMER);
    n.upstreams().forEach(u -> u.chainSeen(1));
    return n;
  }

  private HeadFollowers followers(Network network) {
    return new HeadFollowers(
        network,
        new UpstreamDialer(network, upstreams),
        scheduler,
        h -> headers.add(h.get("number").asText()));
  }

  private static void notify(ScriptedUpstreams.Connection c, long number) {
    c.listener.onText(
        c.socket,
        "{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscription\",\"params\":{\"subscription\":\"0x1\","
            + "\"result\":{\"number\":\"0x"
            + Long.toHexString(number)
            + "\",\"hash\":\"0x"
            + number
            + "\"}}}",
        true);
  }

  private ScriptedUpstreams.Connection to(URI url) {
    ScriptedUpstreams.Connection last = null;
    for (ScriptedUpstreams.Connection c : upstreams.connections) {
      if (c.url.equals(url)) {
        last = c;
      }
    }
    return last;
  }

  @Test
  void everyUpstreamIsFollowedAtOnceWithOneSubscriptionEachAndEachOnesHeadersCome() {
    HeadFollowers followers = followers(network("w1=" + W1 + ",w2=" + W2 + ",w3=" + W3));
    followers.start();
    assertEquals(0, upstreams.attempts.get(), "connected on the scheduler, not in the caller");
    scheduler.advance(Duration.ZERO);
    assertEquals(3, upstreams.connections.size());
    assertEquals(3, followers.following());
    for (URI u : List.of(W1, W2, W3)) {
      assertEquals(List.of("eth_chainId", "eth_subscribe"), to(u).methods, u.toString());
    }
    notify(to(W2), 7);
    notify(to(W3), 8);
    notify(to(W1), 7);
    assertEquals(List.of("0x7", "0x8", "0x7"), headers, "each upstream's, repeats dropped later");
  }

  @Test
  void anUpstreamOnAnotherChainOrRefusingIsTriedAgainLaterAndLongerApartUpToHalfAMinute() {
    upstreams.chains.put(W2, 5L);
    HeadFollowers followers = followers(network("w1=" + W1 + ",w2=" + W2));
    followers.start();
    scheduler.advance(Duration.ZERO);
    assertEquals(1, followers.following(), "the other is followed meanwhile");
    assertTrue(to(W2).aborted, "its connection on another chain is closed");

    long[] pauses = {1, 2, 4, 8, 16, 30, 30};
    for (long pause : pauses) {
      int before = upstreams.attempts.get();
      scheduler.advance(Duration.ofSeconds(pause).minusMillis(1));
      assertEquals(before, upstreams.attempts.get(), "not before " + pause + " s");
      scheduler.advance(Duration.ofMillis(1));
      assertEquals(before + 1, upstreams.attempts.get(), "after " + pause + " s");
    }
    upstreams.chains.clear();
    scheduler.advance(Duration.ofSeconds(30));
    assertEquals(2, followers.following());
    notify(to(W2), 3);
    assertEquals(List.of("0x3"), headers);
  }

  @Test
  void aLostConnectionIsMadeAgainASecondLaterAndFollowedThere() {
    HeadFollowers followers = followers(network("w1=" + W1));
    followers.start();
    scheduler.advance(Duration.ZERO);
    ScriptedUpstreams.Connection first = to(W1);
    first.drop();
    assertEquals(0, followers.following());
    scheduler.advance(Duration.ofMillis(999));
    assertEquals(1, upstreams.attempts.get());
    scheduler.advance(Duration.ofMillis(1));
    assertEquals(2, upstreams.attempts.get());
    assertEquals(1, followers.following());
    notify(to(W1), 9);
    assertEquals(List.of("0x9"), headers);
    assertEquals(0, scheduler.waiting(), "nothing more is scheduled");
  }

  @Test
  void stoppingClosesEveryConnectionAndNothingIsTriedAgain() {
    upstreams.refused.add(W2);
    HeadFollowers followers = followers(network("w1=" + W1 + ",w2=" + W2));
    followers.start();
    scheduler.advance(Duration.ZERO);
    followers.stop();
    assertTrue(to(W1).aborted);
    assertEquals(0, followers.following());
    int attempts = upstreams.attempts.get();
    scheduler.advance(Duration.ofMinutes(1));
    assertEquals(attempts, upstreams.attempts.get(), "a stopped follower is not made again");
    notify(to(W1), 4);
    assertEquals(List.of(), headers);
  }

  @Test
  void aReconfigurationFollowsANewUpstreamAndLeavesARemovedOne() {
    Network network = network("w1=" + W1 + ",w2=" + W2);
    HeadFollowers followers = followers(network);
    followers.start();
    scheduler.advance(Duration.ZERO);
    ScriptedUpstreams.Connection w1 = to(W1);
    network.apply(network.plan(config("w1=" + W1 + ",w3=" + W3)));
    followers.recheck();
    scheduler.advance(Duration.ZERO);
    assertFalse(w1.aborted, "an upstream still configured keeps its connection");
    assertTrue(to(W2).aborted);
    assertEquals(3, upstreams.connections.size());
    assertEquals(2, followers.following());
  }

  @Test
  void headersOfAnUpstreamOutOfRotationAreNotTaken() {
    Network network = network("w1=" + W1 + ",w2=" + W2);
    HeadFollowers followers = followers(network);
    followers.start();
    scheduler.advance(Duration.ZERO);
    notify(to(W1), 4);
    network.upstreams().get(0).breaker().hold();
    notify(to(W1), 5);
    notify(to(W2), 5);
    assertEquals(List.of("0x4", "0x5"), headers, "w1 shares the held HTTP upstream's health");
  }

  @Test
  void
      anUpstreamThatDropsEachConnectionBeforeAnyHeaderIsAskedLongerApartAfterAHeaderASecondLater() {
    HeadFollowers followers = followers(network("w1=" + W1));
    followers.start();
    scheduler.advance(Duration.ZERO);
    long[] pauses = {1, 2, 4};
    for (long pause : pauses) {
      to(W1).drop();
      int before = upstreams.attempts.get();
      scheduler.advance(Duration.ofSeconds(pause).minusMillis(1));
      assertEquals(before, upstreams.attempts.get(), "not before " + pause + " s");
      scheduler.advance(Duration.ofMillis(1));
      assertEquals(before + 1, upstreams.attempts.get(), "after " + pause + " s");
    }
    notify(to(W1), 8);
    to(W1).drop();
    int before = upstreams.attempts.get();
    scheduler.advance(Duration.ofSeconds(1));
    assertEquals(before + 1, upstreams.attempts.get(), "a connection that brought a header");
    assertEquals(List.of("0x8"), headers);
  }

  @Test
  void aFollowerStoppedWhileItConnectsClosesTheConnectionOnceMade() {
    upstreams.holdConnects = true;
    HeadFollowers followers = followers(network("w1=" + W1));
    followers.start();
    scheduler.advance(Duration.ZERO);
    followers.stop();
    upstreams.openHeldConnects();
    assertTrue(to(W1).aborted, "not left open");
    assertEquals(0, followers.following());
    assertEquals(0, scheduler.waiting());
  }
}
