package dev.rpcshield.upstream;

import dev.rpcshield.telemetry.EventLog;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * One chain the gateway serves, at run time: its upstreams with their breakers, its groups and
 * method router, its own head tracking and its forwarder. Nothing is shared with another network
 * but the HTTP client pool.
 */
public final class Network {
  private final NetworkConfig config;
  private final Clock clock;
  private final List<Upstream> upstreams;
  private final List<UpstreamGroup> groups;
  private final MethodRouter router;
  private final HeadTracker heads;
  private final HeadPoller headPoller;
  private final Forwarder forwarder;

  Network(NetworkConfig config, HttpUpstreamTransport transport, Clock clock) {
    this.config = config;
    this.clock = clock;
    UpstreamsConfig c = config.upstreams();
    Map<String, Upstream> byName = new LinkedHashMap<>();
    for (UpstreamSettings s : c.upstreams()) {
      CircuitBreaker breaker = new CircuitBreaker(clock, c.failureThreshold(), c.outOfService());
      breaker.listen((from, to, reason) -> EventLog.upstreamState(s.name(), from, to, reason));
      byName.put(s.name(), new Upstream(s, breaker, clock, config.chainId()));
    }
    upstreams = List.copyOf(byName.values());
    List<UpstreamGroup> built = new ArrayList<>();
    for (UpstreamsConfig.GroupSettings g : c.groups()) {
      built.add(
          new UpstreamGroup(
              g.name(), g.strategy(), g.upstreams().stream().map(byName::get).toList()));
    }
    groups = List.copyOf(built);
    router = new MethodRouter(groups.get(0));
    for (int i = 1; i < groups.size(); i++) {
      router.route(c.groups().get(i).methods(), groups.get(i));
    }
    forwarder =
        new Forwarder(
            transport,
            c.classifier(),
            clock,
            d -> Thread.sleep(d),
            c.backoffBase(),
            c.backoffMax(),
            c.hedging());
    UpstreamsConfig.HeadSettings h = c.heads();
    heads = new HeadTracker(clock, h.maxLag(), h.recoverLag(), h.confirmations(), h.stallTimeout());
    heads.listen(EventLog::upstreamState);
    headPoller = new HeadPoller(transport, heads, clock);
  }

  public String name() {
    return config.name();
  }

  /** The chain its upstreams must be on; 0 when none is named and nothing is checked. */
  public long chainId() {
    return config.chainId();
  }

  /** Host names whose requests it serves. */
  public List<String> hosts() {
    return config.hosts();
  }

  public UpstreamsConfig config() {
    return config.upstreams();
  }

  /** Its HTTP upstreams in declaration order. */
  public List<Upstream> upstreams() {
    return upstreams;
  }

  /** Its groups; the first is {@code default}. */
  public List<UpstreamGroup> groups() {
    return groups;
  }

  public UpstreamGroup groupFor(String method) {
    return router.groupFor(method);
  }

  /** The order in which a call with this requirement tries the group's upstreams. */
  public List<Upstream> order(UpstreamGroup group, BlockRequirement need) {
    return heads.arrange(group.order(), need);
  }

  public HeadTracker heads() {
    return heads;
  }

  /** The highest head among its upstreams in rotation, -1 when none is known. */
  public long bestHead() {
    return heads.bestHead(upstreams);
  }

  public Forwarder forwarder() {
    return forwarder;
  }

  /** Its WebSocket upstreams, where its subscriptions go, in failover order. */
  public Map<String, URI> webSocketUpstreams() {
    return config.upstreams().webSocketUpstreams();
  }

  public Duration requestTimeout() {
    return config.upstreams().requestTimeout();
  }

  public Clock clock() {
    return clock;
  }

  void pollHeads(Executor threads) {
    headPoller.pollAll(upstreams, threads);
  }
}
