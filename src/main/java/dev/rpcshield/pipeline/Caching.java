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
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.limit.SharedRedis;
import dev.rpcshield.telemetry.CacheMetrics;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamHead;
import dev.rpcshield.upstream.Upstreams;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.logging.Logger;

/**
 * The response caches: each network has its own, on its own heads, with the network's name in every
 * key and metric label; they share one store, so the memory bound is the gateway's. The outbound
 * chain reads and fills them; pricing asks here what a hit costs.
 */
@ApplicationScoped
public class Caching extends DirectBean {
  private static final Logger LOG = Logger.getLogger(Caching.class.getName());

  @Inject Current<CacheConfig> current;
  @Inject Upstreams upstreams;
  @Inject SharedRedis redis;
  @Inject CacheMetrics metrics;

  private final Map<String, ResponseCache> caches = new HashMap<>();

  @PostConstruct
  void build() {
    upstreams = DirectBean.of(upstreams);
    redis = DirectBean.of(redis);
    metrics = DirectBean.of(metrics);
    // The stores and their sizes are built once: those keys need a restart (docs/configuration.md).
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
   * A priced member's compute units when it would be answered from the cache: a hit costs {@code
   * rpcshield.cache.cu-factor} (the request's) of them. Looked up only when that factor is not 1;
   * the cache itself is read and written by the outbound chain ({@code CacheLink}).
   */
  public void discount(Request request, MemberOutcome m) {
    ResponseCache cache = cache(request.network());
    CacheConfig config = request.config(CacheConfig.class);
    if (cache == null || config.cuFactor() == 1.0 || m.price() == null) {
      return;
    }
    RpcCall call = m.call();
    if (config.skipMethods().contains(call.method())) {
      return;
    }
    ResponseCache.Lookup found = cache.lookup(call.method(), call.rawParams());
    if (found != null && found.hit()) {
      Price p = m.price();
      m.priced(new Price(p.rules(), Math.round(p.computeUnits() * config.cuFactor()), p.sender()));
    }
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
