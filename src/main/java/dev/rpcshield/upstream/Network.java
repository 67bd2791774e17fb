package dev.rpcshield.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.telemetry.EventLog;
import dev.rpcshield.upstream.chain.AttemptLink;
import dev.rpcshield.upstream.chain.CanonicalLink;
import dev.rpcshield.upstream.chain.ChainView;
import dev.rpcshield.upstream.chain.ConsensusLink;
import dev.rpcshield.upstream.chain.Exchange;
import dev.rpcshield.upstream.chain.FailoverLink;
import dev.rpcshield.upstream.chain.GroupSplitLink;
import dev.rpcshield.upstream.chain.HedgeLink;
import dev.rpcshield.upstream.chain.Outcome;
import dev.rpcshield.upstream.chain.RetryLink;
import dev.rpcshield.upstream.chain.Routing;
import dev.rpcshield.upstream.chain.SubmitLink;
import dev.rpcshield.upstream.chain.Timer;
import dev.rpcshield.upstream.chain.TrustedHeaders;
import dev.rpcshield.upstream.chain.UpstreamCall;
import dev.rpcshield.upstream.chain.VerifyLink;
import dev.rpcshield.verify.BlockHeader;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.ToLongFunction;

/**
 * One chain the gateway serves, at run time: its upstreams with their breakers, its groups and
 * method router, its own head tracking, and the outbound chain of its layout from the group split
 * to the attempt. Nothing is shared with another network but the HTTP client pool and the timer.
 */
public final class Network {
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(Network.class.getName());

  /** Trusted block headers kept per network for verified answers, the most recent used first. */
  private static final int TRUSTED_HEADERS = 1024;

  private final String name;
  private final long chainId;
  private final List<String> hosts;
  private final HttpUpstreamTransport transport;
  private final CallSockets calls;
  private final Clock clock;
  private final Timer timer;
  private final AtomicLong gatewayIds = new AtomicLong(1);
  private final Cache<Long, BlockHeader> trustedHeaders =
      Caffeine.newBuilder().maximumSize(TRUSTED_HEADERS).build();
  private final HeadTracker heads;
  private final HeadPoller headPoller;
  private volatile Layout layout;
  private final PendingNonces nonces;
  private volatile SentTransactions sent;
  private volatile Rebroadcaster rebroadcaster;
  private final List<LongConsumer> headListeners = new CopyOnWriteArrayList<>();
  private volatile Runnable onRebroadcast = () -> {};
  private volatile Consumer<SentTransactions.End> onEnd = e -> {};
  private UpstreamsConfig.Transactions sentSettings;
  private volatile ChainListener chainListener = ChainListener.NONE;

  /** Counts its upstreams' attempts and state changes for the metrics. */
  private volatile UpstreamMeter meter = UpstreamMeter.NONE;

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
   * What a reload can change: the upstreams, their groups and routes, and the chain built on them.
   * Replaced as a whole, so a request that took its chain sees one layout to its end.
   */
  record Layout(
      NetworkConfig config,
      List<Upstream> upstreams,
      List<UpstreamGroup> groups,
      MethodRouter<UpstreamGroup> router,
      UpstreamCall dispatch,
      UpstreamCall single) {}

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

  /** A network whose pending nonces are kept in this instance's memory. */
  Network(
      NetworkConfig config,
      HttpUpstreamTransport transport,
      HttpClient webSockets,
      Clock clock,
      Timer timer) {
    this(
        config,
        transport,
        webSockets,
        clock,
        timer,
        new MemoryPendingNonces(config.upstreams().transactions().trackedMax(), clock));
  }

  /**
   * @param webSockets the client of its upstream WebSocket connections for calls
   * @param nonces where the highest nonces of the transactions it took are kept
   */
  Network(
      NetworkConfig config,
      HttpUpstreamTransport transport,
      HttpClient webSockets,
      Clock clock,
      Timer timer,
      PendingNonces nonces) {
    this.name = config.name();
    this.nonces = nonces;
    this.chainId = config.chainId();
    this.hosts = config.hosts();
    this.transport = transport;
    this.calls = new CallSockets(this, transport, webSockets, clock);
    this.clock = clock;
    this.timer = timer;
    UpstreamsConfig.HeadSettings h = config.upstreams().heads();
    heads = new HeadTracker(clock, h.maxLag(), h.recoverLag(), h.confirmations(), h.stallTimeout());
    heads.listen((upstream, from, to, reason) -> {
      EventLog.upstreamState(upstream, from, to, reason);
      meter.stateChanged(name, upstream, to);
    });
    headPoller = new HeadPoller(transport, heads, clock);
    Map<String, Upstream> byName = new LinkedHashMap<>();
    for (UpstreamSettings s : config.upstreams().upstreams()) {
      byName.put(s.name(), create(s, config.upstreams()));
    }
    layout = layout(config, byName);
  }

  private Upstream create(UpstreamSettings s, UpstreamsConfig c) {
    CircuitBreaker breaker = new CircuitBreaker(clock, c.failureThreshold(), c.outOfService());
    breaker.listen((from, to, reason) -> {
      EventLog.upstreamState(s.name(), from, to, reason);
      meter.stateChanged(name, s.name(), to);
    });
    Upstream u = new Upstream(s, breaker, clock, chainId);
    u.onChainTurned(() -> {
      heads.forgetServed();
      chainListener.turned(s.name());
    });
    return u;
  }

  /**
   * What it remembers of the transactions it took: kept across reloads that leave its settings
   * (`rpcshield.tx.*`) as they were, started afresh when they change.
   */
  private SentTransactions sent(UpstreamsConfig.Transactions settings) {
    if (sent == null || !settings.equals(sentSettings)) {
      sent =
          new SentTransactions(
              name,
              settings.trackedMax(),
              settings.pendingNonceFor(),
              settings.rebroadcastFor(),
              nonces,
              clock);
      sent.listen(() -> onRebroadcast.run(), e -> onEnd.accept(e));
      rebroadcaster = new Rebroadcaster(sent, gatewayIds, clock);
      sentSettings = settings;
    }
    return sent;
  }

  public void listen(ChainListener next) {
    this.chainListener = next;
  }

  /** Its upstreams' attempts and state changes are counted by {@code next} from now on. */
  public void meter(UpstreamMeter next) {
    this.meter = next;
  }

  private Layout layout(NetworkConfig config, Map<String, Upstream> byName) {
    UpstreamsConfig c = config.upstreams();
    List<UpstreamGroup> built = new ArrayList<>();
    for (UpstreamsConfig.GroupSettings g : c.groups()) {
      built.add(
          new UpstreamGroup(
              g.name(), g.strategy(), g.upstreams().stream().map(byName::get).toList()));
    }
    MethodRouter<UpstreamGroup> router = new MethodRouter<>(built.get(0));
    for (int i = 1; i < built.size(); i++) {
      router.route(c.groups().get(i).methods(), built.get(i));
    }
    List<Upstream> upstreams = List.copyOf(byName.values());
    UpstreamCall retried =
        new RetryLink(
            new AttemptLink(
                calls,
                c.classifier(),
                c.integrity(),
                clock,
                (upstream, method, outcome, millis) ->
                    meter.attempt(name, upstream, method, outcome, millis)),
            timer,
            c.backoffBase(),
            c.backoffMax(),
            n -> ThreadLocalRandom.current().nextLong(n + 1));
    ChainView view = view(upstreams, c.verification().headerQuorum());
    TrustedHeaders headers =
        new TrustedHeaders(
            trustedHeaders,
            retried,
            view,
            c.verification().headerQuorum(),
            gatewayIds,
            clock,
            c.requestTimeout());
    // Consensus, verification and the canonical-block check are links only where configured:
    // each one more on every call's path costs (bench/results/2026-12-06-trust-links-ab.md).
    UpstreamCall attempts =
        new HedgeLink(
            new FailoverLink(retried),
            timer,
            c.hedging(),
            new HedgeLink.Meter() {
              @Override
              public void hedged(String upstream) {
                meter.hedged(name, upstream);
              }

              @Override
              public void won(String upstream) {
                meter.hedgeWon(name, upstream);
              }
            });
    if (!c.consensus().methods().isEmpty()) {
      attempts = new ConsensusLink(attempts, retried, c.consensus());
    }
    if (!c.verification().methods().isEmpty()) {
      attempts = new VerifyLink(attempts, headers, view, c.verification(), gatewayIds);
    }
    attempts =
        new SubmitLink(
            attempts, retried, sent(c.transactions()), c.transactions().broadcastAll(), gatewayIds);
    if (c.integrity().canonical()) {
      attempts = new CanonicalLink(attempts, headers, view);
    }
    Routing routing =
        new Routing() {
          @Override
          public UpstreamGroup groupFor(String method) {
            return router.groupFor(method);
          }

          @Override
          public List<Upstream> order(UpstreamGroup group, BlockRequirement need) {
            return heads.arrange(group.order(), need);
          }

          @Override
          public boolean alone(String method) {
            return c.consensus().methods().contains(method)
                || c.verification().methods().contains(method);
          }

          @Override
          public long blockNumberToServe(long answered) {
            return heads.blockNumberToServe(answered, upstreams);
          }
        };
    return new Layout(
        config,
        upstreams,
        List.copyOf(built),
        router,
        new GroupSplitLink(attempts, routing, gatewayIds),
        retried);
  }

  /**
   * The blocks the heads of {@code upstreams} name, and those upstreams, for verification: a tag
   * names the highest block that {@code quorum} of them in rotation report, so that they can vouch
   * for its header.
   */
  private static ChainView view(List<Upstream> upstreams, int quorum) {
    return new ChainView() {
      @Override
      public long blockOf(String tag) {
        return switch (tag) {
          case "latest" -> reportedBy(upstreams, quorum, u -> u.head().latest());
          case "earliest" -> 0;
          case "safe" -> reportedBy(upstreams, quorum, u -> u.head().safe());
          case "finalized" -> reportedBy(upstreams, quorum, u -> u.head().finalized());
          default -> -1;
        };
      }

      @Override
      public List<Upstream> upstreams() {
        return upstreams;
      }
    };
  }

  /**
   * The highest block number that {@code quorum} of the upstreams in rotation report (the highest
   * when fewer are in rotation); -1 when none is known.
   */
  private static long reportedBy(
      List<Upstream> upstreams, int quorum, ToLongFunction<Upstream> number) {
    long[] reported =
        upstreams.stream()
            .filter(u -> u.breaker().inRotation())
            .mapToLong(number)
            .filter(n -> n >= 0)
            .sorted()
            .toArray();
    if (reported.length == 0) {
      return -1;
    }
    return reported[Math.max(0, reported.length - quorum)];
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

  /**
   * The outbound chain of the layout in effect, from the group split to the attempt: a request
   * takes it once, and every piece of its work stays on that layout.
   */
  public UpstreamCall dispatch() {
    return layout.dispatch();
  }

  /** How single calls reach {@code u} now: {@code websocket} or {@code http}. */
  public String callsGoOver(Upstream u) {
    return calls.way(u);
  }

  /** Closes the WebSocket connection that carried calls to an upstream that left. */
  void retire(Upstream u) {
    calls.retire(u);
  }

  /** Closes its WebSocket connections for calls. */
  void close() {
    calls.close();
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
    long best = bestHead();
    for (LongConsumer l : headListeners) {
      try {
        l.accept(best);
      } catch (RuntimeException e) {
        LOG.warning(() -> "a head listener failed: " + e);
      }
    }
    if (sent.rebroadcasting()) {
      Layout l = layout;
      rebroadcaster.onHead(
          bestHead(),
          l.router().groupFor("eth_sendRawTransaction").order(),
          l.single(),
          l.config().upstreams().requestTimeout());
    }
  }

  /**
   * The result of {@code call} sent down this network's chain on the gateway's own behalf (no
   * client), within its request timeout; null when no upstream answered it or the answer is an
   * error.
   */
  public CompletableFuture<JsonNode> ask(RpcCall call) {
    CompletableFuture<Outcome> sent;
    try {
      sent =
          dispatch()
              .call(Exchange.of(List.of(call), Deadline.after(clock, requestTimeout()), null, null))
              .toCompletableFuture();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle((o, t) -> t == null ? o.result() : null);
  }

  /** Who is told the best head after each poll of the upstreams' heads (the subscriptions). */
  public void onBestHead(LongConsumer listener) {
    headListeners.add(listener);
  }

  /** What it remembers of the transactions it took (the metrics read its counters). */
  public SentTransactions sentTransactions() {
    return sent;
  }

  /** Who is told of each rebroadcast and each end of one (the metrics), across reloads. */
  public void listenToTransactions(Runnable rebroadcast, Consumer<SentTransactions.End> end) {
    this.onRebroadcast = rebroadcast;
    this.onEnd = end;
  }

  /** Polls the head of an upstream about to join, without judging lag yet. */
  void pollHead(Upstream joining) {
    headPoller.poll(joining);
  }
}
