package dev.rpcshield.pipeline;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.rpcshield.cache.CacheConfig;
import dev.rpcshield.cache.CacheEvents;
import dev.rpcshield.cache.CacheStore;
import dev.rpcshield.cache.ChainHeads;
import dev.rpcshield.cache.InMemoryCacheStore;
import dev.rpcshield.cache.RealtimeCacheStore;
import dev.rpcshield.cache.RedisCacheStore;
import dev.rpcshield.cache.ResponseCache;
import dev.rpcshield.config.Current;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.jsonrpc.UpstreamReply;
import dev.rpcshield.limit.SharedRedis;
import dev.rpcshield.telemetry.CacheMetrics;
import dev.rpcshield.upstream.Dispatcher;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamHead;
import dev.rpcshield.upstream.Upstreams;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.logging.Logger;

/**
 * The response cache stage, around upstream dispatch: a cacheable member is looked up once priced
 * (a hit may be charged less, {@code rpcshield.cache.cu-factor}), answered from the cache once
 * charged, and a miss's answer is offered to the cache after dispatch. Each network has its own
 * cache, on its own heads, with the network's name in every key and metric label; they share one
 * store, so the memory bound is the gateway's.
 */
@ApplicationScoped
public class Caching {
  private static final Logger LOG = Logger.getLogger(Caching.class.getName());

  @Inject Current<CacheConfig> current;
  @Inject Upstreams upstreams;
  @Inject SharedRedis redis;
  @Inject CacheMetrics metrics;

  private final Map<String, ResponseCache> caches = new HashMap<>();

  @PostConstruct
  void build() {
    // The stores and their sizes are built once: those keys need a restart (README).
    CacheConfig config = current.get();
    if (!config.enabled()) {
      return;
    }
    CacheEvents events = events(metrics);
    CacheStore store;
    if (config.store().equals("redis") && redis.configured()) {
      store = new RedisCacheStore(redis.connection(), config.redisTtl(), config.compressAbove());
    } else {
      if (config.store().equals("redis")) {
        LOG.warning("rpcshield.cache.store=redis without rpcshield.redis.url: caching in memory");
      }
      store =
          new InMemoryCacheStore(
              config.maxBytes(),
              key ->
                  events.evicted(
                      ResponseCache.networkOf(key), String.valueOf(ResponseCache.methodOf(key))));
    }
    CacheStore realtime =
        config.realtimeTtl().isEmpty()
            ? null
            : new RealtimeCacheStore(
                config.realtimeTtl(), Math.max(1, config.maxBytes() / 8), Ticker.systemTicker());
    for (Network n : upstreams.networks()) {
      ResponseCache cache =
          new ResponseCache(n.name(), store, heads(n), events, config.realtimeTtl(), realtime);
      caches.put(n.name(), cache);
      n.listen(
          new Network.ChainListener() {
            @Override
            public void polled() {
              cache.refresh();
            }

            @Override
            public void turned(String upstream) {
              LOG.warning(() ->
                  "upstream "
                      + upstream
                      + " of network "
                      + n.name()
                      + " turned up on another chain: the network's cache is dropped");
              cache.invalidate();
            }
          });
    }
  }

  /** Whether responses are cached at all. */
  public boolean enabled() {
    return !caches.isEmpty();
  }

  /** The network's cache, or null when caching is off. */
  public ResponseCache cache(Network network) {
    return caches.get(network.name());
  }

  /**
   * Looks a priced member up on its network; a hit is repriced by the cu-factor before charging.
   */
  public void lookup(Network network, MemberOutcome m) {
    ResponseCache cache = cache(network);
    if (cache == null) {
      return;
    }
    m.cacheStatus("MISS");
    RpcCall call = m.call();
    CacheConfig config = current.get();
    if (config.skipMethods().contains(call.method())) {
      return;
    }
    ResponseCache.Lookup found = cache.lookup(call.method(), call.rawParams());
    m.cacheLookup(found);
    if (found != null && found.hit() && config.cuFactor() != 1.0 && m.price() != null) {
      Price p = m.price();
      m.priced(new Price(p.rules(), Math.round(p.computeUnits() * config.cuFactor()), p.sender()));
    }
  }

  /** A charged member that hit: answered from the cache. */
  public Verdict answer(MemberOutcome m) {
    ResponseCache.Lookup found = m.cacheLookup();
    if (found == null || !found.hit()) {
      return Verdict.PROCEED;
    }
    m.cacheStatus("HIT");
    return new Verdict.Answered(RpcWriter.result(m.call().rawId(), found.result()));
  }

  /**
   * Offers a missed member's upstream answer to the cache; errors, nulls and answers from an
   * upstream the head tracker holds back as lagging are never kept.
   */
  public void remember(Network network, MemberOutcome m, Dispatcher.Result result) {
    ResponseCache.Lookup found = m.cacheLookup();
    if (found == null
        || found.hit()
        || !(result instanceof Dispatcher.Answer a)
        || a.chainError()
        || a.body() == null
        || lagging(network, a.upstream())) {
      return;
    }
    cache(network).remember(found, resultOf(a.body()));
  }

  /** Whether the network's named upstream is held back for lagging (false when unknown). */
  static boolean lagging(Network network, String upstream) {
    if (upstream == null) {
      return false;
    }
    for (Upstream u : network.upstreams()) {
      if (u.name().equals(upstream)) {
        return u.head().lagging();
      }
    }
    return false;
  }

  /** The result value of a response object, or null for an error or an unreadable one. */
  static String resultOf(byte[] response) {
    try {
      UpstreamReply reply = UpstreamReply.read(response);
      UpstreamReply.Answer answer = reply.answers().get(0);
      return reply.isArray() || answer.isError() ? null : reply.resultJson(answer);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The network's heads: the best latest, and the highest safe and finalized of the synced
   * upstreams.
   */
  static ChainHeads heads(Network network) {
    return new ChainHeads() {
      @Override
      public long latest() {
        return network.bestHead();
      }

      @Override
      public long safe() {
        return highestSynced(network, UpstreamHead::safe);
      }

      @Override
      public long finalized() {
        return highestSynced(network, UpstreamHead::finalized);
      }
    };
  }

  /** The highest of a head block among the network's upstreams in rotation and not lagging. */
  private static long highestSynced(Network network, ToLongFunction<UpstreamHead> block) {
    long highest = -1;
    for (Upstream u : network.upstreams()) {
      if (u.breaker().inRotation() && !u.head().lagging()) {
        highest = Math.max(highest, block.applyAsLong(u.head()));
      }
    }
    return highest;
  }

  private static CacheEvents events(CacheMetrics metrics) {
    return new CacheEvents() {
      @Override
      public void hit(String network, String method) {
        metrics.hit(network, method);
      }

      @Override
      public void miss(String network, String method) {
        metrics.miss(network, method);
      }

      @Override
      public void stored(String network, String method, int bytes) {
        metrics.stored(network, method, bytes);
      }

      @Override
      public void evicted(String network, String method) {
        metrics.evicted(network, method);
      }

      @Override
      public void storeError(String network, String method) {
        metrics.storeError(network, method);
      }
    };
  }
}
