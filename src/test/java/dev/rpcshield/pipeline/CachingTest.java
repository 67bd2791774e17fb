package dev.rpcshield.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.cache.CacheConfig;
import dev.rpcshield.cache.ChainHeads;
import dev.rpcshield.cache.ResponseCache;
import dev.rpcshield.config.Generation;
import dev.rpcshield.config.Settings;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.ParseLimits;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcParser;
import dev.rpcshield.limit.Rule;
import dev.rpcshield.limit.SharedRedis;
import dev.rpcshield.telemetry.CacheMetrics;
import dev.rpcshield.testing.ManualTimer;
import dev.rpcshield.testing.MapConfig;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.TestUpstreams;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.Upstreams;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The caches built as CDI would build them, in memory, for two networks on upstreams nothing calls:
 * {@code main} (upstreams a and b) and {@code side} (upstream u), both on chain 1 and in rotation,
 * each with block 100 finalized, so blocks by number up to 100 are cacheable. The cache metric is a
 * fake that records what the caches tell it, which shows whether a call was looked up at all. The
 * configuration is read anew on each call, as a live reload would replace it.
 */
class CachingTest {
  private static final Rule RPS = Rule.bucket("rps", "rl:{ip:203.0.113.9}:rps", 20, 10, 1);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final Network main = network("main", "a=http://127.0.0.1:1,b=http://127.0.0.1:2");
  private final Network side = network("side", "u=http://127.0.0.1:3");
  private final Map<String, String> settings = new HashMap<>();

  /** What the caches told the metric: event, network, method. */
  private final List<String> events = new ArrayList<>();

  private CacheConfig config;

  CachingTest() {
    for (Network n : List.of(main, side)) {
      for (Upstream u : n.upstreams()) {
        TestUpstreams.chainSeen(u, n.chainId());
        u.head().observe(120, 110, 100, clock.instant());
      }
    }
  }

  /** A network on chain 1 whose upstreams were seen on it, so they are in rotation. */
  private Network network(String name, String upstreams) {
    return TestUpstreams.network(
        Map.of(
            "rpcshield.networks",
            name,
            "rpcshield.network." + name + ".chain-id",
            "1",
            "rpcshield.network." + name + ".upstreams",
            upstreams),
        clock,
        new ManualTimer(clock));
  }

  /** Sets {@code key}; the next call of the caching built reads it. */
  private void set(String key, String value) {
    settings.put(key, value);
    config = CacheConfig.read(new Settings(new MapConfig(settings)));
  }

  private Caching build() {
    if (config == null) {
      config = CacheConfig.read(new Settings(new MapConfig(settings)));
    }
    Caching caching = new Caching();
    caching.current = () -> config;
    caching.upstreams =
        new Upstreams() {
          @Override
          public Collection<Network> networks() {
            return List.of(main, side);
          }
        };
    caching.redis =
        new SharedRedis() {
          @Override
          public boolean configured() {
            return false;
          }
        };
    caching.metrics =
        new CacheMetrics() {
          @Override
          public void hit(String network, String method) {
            events.add("hit " + network + " " + method);
          }

          @Override
          public void miss(String network, String method) {
            events.add("miss " + network + " " + method);
          }

          @Override
          public void stored(String network, String method, int bytes) {
            events.add("stored " + network + " " + method);
          }
        };
    caching.build();
    return caching;
  }

  private static RpcCall block(int number) throws Exception {
    byte[] body =
        ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBlockByNumber\",\"params\":[\""
                + (number < 0 ? "latest" : "0x" + Integer.toHexString(number))
                + "\",false]}")
            .getBytes(StandardCharsets.UTF_8);
    return (RpcCall) new RpcParser(ParseLimits.DEFAULTS).parse(body, body.length).members().get(0);
  }

  /** Block {@code number} in the network's cache, as an earlier answer would have put it. */
  private static void cached(Caching caching, Network network, int number) throws Exception {
    RpcCall c = block(number);
    ResponseCache cache = caching.cache(network);
    assertTrue(cache.remember(cache.lookup(c.method(), c.rawParams()), "{\"n\":" + number + "}"));
  }

  /** A request on {@code network} under the cache configuration set now. */
  private Request request(Network network) {
    return new Request(
        new byte[0],
        0,
        new Caller("203.0.113.1", null, null),
        null,
        network,
        Generation.numbered(1, Instant.EPOCH).with(CacheConfig.class, config),
        null);
  }

  /** The compute units of a call of block {@code number} priced at 26 once discounted. */
  private long discounted(Caching caching, Network network, int number) throws Exception {
    MemberOutcome m =
        MemberOutcome.of(new RequestContext(request(network)), List.of(block(number))).get(0);
    m.priced(new Price(List.of(RPS), 26, "0xab"));
    caching.discount(request(network), m);
    assertEquals(List.of(RPS), m.price().rules(), "the rules stay");
    assertEquals("0xab", m.price().sender());
    return m.price().computeUnits();
  }

  @Test
  void aCallThatWouldHitCostsTheFactorOfItsComputeUnitsAndAMissItsAll() throws Exception {
    set("rpcshield.cache.cu-factor", "0.25");
    Caching caching = build();
    cached(caching, main, 50);
    events.clear();

    assertEquals(7, discounted(caching, main, 50), "26 * 0.25, rounded");
    assertEquals(26, discounted(caching, main, 51), "a miss");
    assertEquals(26, discounted(caching, main, -1), "latest is never cacheable");
    assertEquals(26, discounted(caching, main, 101), "above the finalized block");
    assertEquals(26, discounted(caching, side, 50), "each network has its own cache");
    assertEquals(
        List.of(
            "hit main eth_getBlockByNumber",
            "miss main eth_getBlockByNumber",
            "miss side eth_getBlockByNumber"),
        events);

    set("rpcshield.cache.cu-factor", "0");
    assertEquals(0, discounted(caching, main, 50));

    MemberOutcome unpriced =
        MemberOutcome.of(new RequestContext(request(main)), List.of(block(50))).get(0);
    caching.discount(request(main), unpriced);
    assertNull(unpriced.price());
  }

  @Test
  void aFactorOfOneOrASkippedMethodIsNotEvenLookedUp() throws Exception {
    Caching caching = build();
    cached(caching, main, 50);
    events.clear();

    assertEquals(26, discounted(caching, main, 50), "factor 1 by default");
    set("rpcshield.cache.cu-factor", "0.5");
    set("rpcshield.cache.skip-methods", "eth_getBlockByNumber");
    assertEquals(26, discounted(caching, main, 50), "a method never cached is never discounted");
    assertEquals(List.of(), events);

    set("rpcshield.cache.skip-methods", "eth_call");
    assertEquals(13, discounted(caching, main, 50));
    assertEquals(List.of("hit main eth_getBlockByNumber"), events);
  }

  @Test
  void withCachingOffThereIsNoCacheAndNothingIsDiscounted() throws Exception {
    set("rpcshield.cache.enabled", "false");
    set("rpcshield.cache.cu-factor", "0.5");
    Caching caching = build();

    assertFalse(caching.enabled());
    assertNull(caching.cache(main));
    assertNull(caching.cache(side));
    assertEquals(26, discounted(caching, main, 50));
    assertEquals(List.of(), events);
  }

  @Test
  void withCachingOnEachNetworkHasACacheOfItsOwn() {
    Caching caching = build();

    assertTrue(caching.enabled());
    assertEquals("main", caching.cache(main).network());
    assertEquals("side", caching.cache(side).network());
    assertNotSame(caching.cache(main), caching.cache(side));
  }

  /** Upstream {@code name} of {@code main}. */
  private Upstream upstream(String name) {
    return main.upstreams().stream().filter(u -> u.name().equals(name)).findFirst().orElseThrow();
  }

  /** Upstream a lags: 20 blocks behind b on two evaluations, with higher safe and finalized. */
  private void aLags() {
    upstream("a").head().observe(100, 99, 98, clock.instant());
    upstream("b").head().observe(120, 90, 80, clock.instant());
    main.heads().evaluate(main.upstreams());
    main.heads().evaluate(main.upstreams());
  }

  @Test
  void laggingNamesOnlyAKnownUpstreamHeldBackForLagging() {
    assertFalse(Caching.lagging(main, "a"));
    aLags();

    assertTrue(Caching.lagging(main, "a"));
    assertFalse(Caching.lagging(main, "b"));
    assertFalse(Caching.lagging(main, "u"), "an upstream of another network");
    assertFalse(Caching.lagging(main, null));
  }

  @Test
  void theHeadsAreTheBestLatestAndTheHighestSafeAndFinalizedOfTheSyncedUpstreams() {
    ChainHeads heads = Caching.heads(main);
    assertEquals(
        List.of(120L, 110L, 100L), List.of(heads.latest(), heads.safe(), heads.finalized()));

    aLags();
    assertEquals(
        List.of(120L, 90L, 80L),
        List.of(heads.latest(), heads.safe(), heads.finalized()),
        "a lagging upstream's safe and finalized do not count");

    upstream("b").breaker().open();
    assertEquals(
        List.of(100L, -1L, -1L),
        List.of(heads.latest(), heads.safe(), heads.finalized()),
        "nor do those of one out of rotation; the best latest is of those in rotation");
  }
}
