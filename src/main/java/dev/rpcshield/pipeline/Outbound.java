package dev.rpcshield.pipeline;

import dev.rpcshield.cache.CacheConfig;
import dev.rpcshield.cache.ResponseCache;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.logs.LogsConfig;
import dev.rpcshield.logs.LogsSplitter;
import dev.rpcshield.upstream.Deadline;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamGroup;
import dev.rpcshield.upstream.chain.CacheLink;
import dev.rpcshield.upstream.chain.Exchange;
import dev.rpcshield.upstream.chain.LogsSplitLink;
import dev.rpcshield.upstream.chain.Outcome;
import dev.rpcshield.upstream.chain.UpstreamCall;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A request's one outbound call, down its network's chain: the response cache in front, then the
 * eth_getLogs split, then the layout's own chain (group split, hedge, failover, retry, attempt). A
 * chain is built for one layout and one configuration (the request's cache and eth_getLogs
 * settings); when either changes the next request gets a new one.
 */
@ApplicationScoped
public class Outbound extends DirectBean {
  @Inject Caching caching;

  /** Reaches its collaborators without their client proxies ({@link DirectBean}). */
  @PostConstruct
  void direct() {
    caching = DirectBean.of(caching);
  }

  /** A network's chain and what it was built from. */
  private record Built(
      UpstreamCall dispatch, CacheConfig cache, LogsConfig logs, UpstreamCall chain) {}

  private final Map<String, Built> chains = new ConcurrentHashMap<>();

  /** Sends {@code calls} of {@code request}, all together, within its network's request timeout. */
  public CompletionStage<Outcome> send(Request request, List<RpcCall> calls) {
    Network network = request.network();
    Exchange exchange =
        Exchange.of(
                calls,
                Deadline.after(network.clock(), network.requestTimeout()),
                request.caller().clientIp(),
                request.sink())
            .traced(request.trace());
    return chain(request).call(exchange);
  }

  /** The chain that serves the request's network under the request's configuration. */
  UpstreamCall chain(Request request) {
    Network network = request.network();
    CacheConfig cache = request.config(CacheConfig.class);
    LogsConfig logs = request.config(LogsConfig.class);
    UpstreamCall dispatch = network.dispatch();
    Built b = chains.get(network.name());
    if (b == null || b.dispatch() != dispatch || b.cache() != cache || b.logs() != logs) {
      b = new Built(dispatch, cache, logs, build(network, dispatch, cache, logs));
      chains.put(network.name(), b);
    }
    return b.chain();
  }

  private UpstreamCall build(
      Network network, UpstreamCall dispatch, CacheConfig cache, LogsConfig logs) {
    UpstreamGroup group = network.groupFor("eth_getLogs");
    List<String> names = group.members().stream().map(Upstream::name).toList();
    LogsSplitter splitter =
        new LogsSplitter(network.name(), logs, logs.chunkRange(names), Caching.heads(network));
    ResponseCache responses = caching.cache(network);
    if (responses == null) {
      return new LogsSplitLink(dispatch, dispatch, splitter);
    }
    UpstreamCall chunks = cached(dispatch, responses, cache, network);
    return cached(new LogsSplitLink(dispatch, chunks, splitter), responses, cache, network);
  }

  /**
   * The cache in front of {@code next}, skipping verified methods too: a stored answer is no proof
   * (it may predate verification, or come from an instance without it).
   */
  private static UpstreamCall cached(
      UpstreamCall next, ResponseCache responses, CacheConfig config, Network network) {
    Set<String> skip = new HashSet<>(config.skipMethods());
    skip.addAll(network.config().verification().methods());
    return new CacheLink(
        next, responses, Set.copyOf(skip), upstream -> Caching.lagging(network, upstream));
  }
}
