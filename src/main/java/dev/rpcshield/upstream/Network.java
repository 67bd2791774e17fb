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
  private final String name;
  private final long chainId;
  private final List<String> hosts;
  private final HttpUpstreamTransport transport;
  private final Clock clock;
  private final HeadTracker heads;
  private final HeadPoller headPoller;
  private volatile Layout layout;
  private volatile ChainListener chainListener = ChainListener.NONE;

  /** What the response cache is told of a network's chain. */
  public interface ChainListener {
    /** Its upstreams' heads (and chains) were polled. */
    void polled();

    /**
     * One of its upstreams was found on another chain after it had been seen on this one: what it
     * answered since may be that other chain's.
     */
    void turned(String upstream);

    ChainListener NONE =
        new ChainListener() {
          @Override
          public void polled() {}

          @Override
          public void turned(String upstream) {}
        };
  }

  /**
   * What a reload can change: the upstreams, their groups and routes, and the forwarder's rules.
   * Replaced as a whole, so a request sees one layout.
   */
  record Layout(
      NetworkConfig config,
      List<Upstream> upstreams,
      List<UpstreamGroup> groups,
      MethodRouter router,
      Forwarder forwarder) {}

  /**
   * A new layout not yet in effect: the upstreams it adds (to be chain-checked and polled first),
   * the ones it keeps with their new settings, and the ones it removes.
   */
  record Change(
      Network network,
      Layout layout,
      List<Upstream> added,
      Map<Upstream, UpstreamSettings> kept,
      List<Upstream> removed) {}

  Network(NetworkConfig config, HttpUpstreamTransport transport, Clock clock) {
    this.name = config.name();
    this.chainId = config.chainId();
    this.hosts = config.hosts();
    this.transport = transport;
    this.clock = clock;
    UpstreamsConfig.HeadSettings h = config.upstreams().heads();
    heads = new HeadTracker(clock, h.maxLag(), h.recoverLag(), h.confirmations(), h.stallTimeout());
    heads.listen(EventLog::upstreamState);
    headPoller = new HeadPoller(transport, heads, clock);
    Map<String, Upstream> byName = new LinkedHashMap<>();
    for (UpstreamSettings s : config.upstreams().upstreams()) {
      byName.put(s.name(), create(s, config.upstreams()));
    }
    layout = layout(config, byName);
  }

  private Upstream create(UpstreamSettings s, UpstreamsConfig c) {
    CircuitBreaker breaker = new CircuitBreaker(clock, c.failureThreshold(), c.outOfService());
    breaker.listen((from, to, reason) -> EventLog.upstreamState(s.name(), from, to, reason));
    Upstream u = new Upstream(s, breaker, clock, chainId);
    u.onChainTurned(() -> {
      heads.forgetServed();
      chainListener.turned(s.name());
    });
    return u;
  }

  public void listen(ChainListener next) {
    this.chainListener = next;
  }

  private Layout layout(NetworkConfig config, Map<String, Upstream> byName) {
    UpstreamsConfig c = config.upstreams();
    List<UpstreamGroup> built = new ArrayList<>();
    for (UpstreamsConfig.GroupSettings g : c.groups()) {
      built.add(
          new UpstreamGroup(
              g.name(), g.strategy(), g.upstreams().stream().map(byName::get).toList()));
    }
    MethodRouter router = new MethodRouter(built.get(0));
    for (int i = 1; i < built.size(); i++) {
      router.route(c.groups().get(i).methods(), built.get(i));
    }
    Forwarder forwarder =
        new Forwarder(
            transport,
            c.classifier(),
            clock,
            d -> Thread.sleep(d),
            c.backoffBase(),
            c.backoffMax(),
            c.hedging());
    return new Layout(config, List.copyOf(byName.values()), List.copyOf(built), router, forwarder);
  }

  /**
   * What {@code next} would change, nothing applied yet: an upstream whose name and URL stay is
   * kept (its breaker, head and counters too); one whose URL changed is removed and added again.
   */
  Change plan(NetworkConfig next) {
    Map<String, Upstream> running = new LinkedHashMap<>();
    for (Upstream u : layout.upstreams()) {
      running.put(u.name(), u);
    }
    Map<String, Upstream> byName = new LinkedHashMap<>();
    List<Upstream> added = new ArrayList<>();
    Map<Upstream, UpstreamSettings> kept = new LinkedHashMap<>();
    for (UpstreamSettings s : next.upstreams().upstreams()) {
      Upstream u = running.remove(s.name());
      if (u != null && u.settings().url().equals(s.url())) {
        kept.put(u, s);
      } else {
        if (u != null) {
          running.put(s.name(), u);
        }
        u = create(s, next.upstreams());
        added.add(u);
      }
      byName.put(s.name(), u);
    }
    List<Upstream> removed = new ArrayList<>(running.values());
    return new Change(this, layout(next, byName), added, kept, removed);
  }

  /** Puts a planned change in effect: kept upstreams take their new settings, then the layout. */
  void apply(Change change) {
    change.kept().forEach(Upstream::reconfigure);
    layout = change.layout();
  }

  public String name() {
    return name;
  }

  /** The chain its upstreams must be on; 0 when none is named and nothing is checked. */
  public long chainId() {
    return chainId;
  }

  /** Host names whose requests it serves. */
  public List<String> hosts() {
    return hosts;
  }

  public UpstreamsConfig config() {
    return layout.config().upstreams();
  }

  /** Its HTTP upstreams in declaration order. */
  public List<Upstream> upstreams() {
    return layout.upstreams();
  }

  /** Its groups; the first is {@code default}. */
  public List<UpstreamGroup> groups() {
    return layout.groups();
  }

  /** Whether a group {@code u} serves in has another member in rotation, to serve without it. */
  boolean servedWithout(Upstream u) {
    for (UpstreamGroup g : groups()) {
      if (g.members().contains(u) && g.otherInRotation(u)) {
        return true;
      }
    }
    return false;
  }

  public UpstreamGroup groupFor(String method) {
    return layout.router().groupFor(method);
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
    return heads.bestHead(layout.upstreams());
  }

  public Forwarder forwarder() {
    return layout.forwarder();
  }

  /** Its WebSocket upstreams, where its subscriptions go, in failover order. */
  public Map<String, URI> webSocketUpstreams() {
    return layout.config().upstreams().webSocketUpstreams();
  }

  public Duration requestTimeout() {
    return layout.config().upstreams().requestTimeout();
  }

  public Clock clock() {
    return clock;
  }

  void pollHeads(Executor threads) {
    headPoller.pollAll(layout.upstreams(), threads);
    chainListener.polled();
  }

  /** Polls the head of an upstream about to join, without judging lag yet. */
  void pollHead(Upstream joining) {
    headPoller.poll(joining);
  }
}
