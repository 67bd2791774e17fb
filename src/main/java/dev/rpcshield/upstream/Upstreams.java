package dev.rpcshield.upstream;

import dev.rpcshield.jsonrpc.UpstreamReply;
import dev.rpcshield.telemetry.EventLog;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The upstreams of this instance: groups built from config, the method router, one forwarder, and
 * the prober that brings an out-of-service upstream back only after it answers again.
 */
@ApplicationScoped
public class Upstreams {
  private static final Logger LOG = Logger.getLogger(Upstreams.class.getName());
  private static final byte[] PROBE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}"
          .getBytes(StandardCharsets.US_ASCII);

  @Inject UpstreamsConfig config;
  @Inject Clock clock;

  private Map<String, Upstream> byName;
  private List<Upstream> all;
  private UpstreamGroup defaultGroup;
  private MethodRouter router;
  private Forwarder forwarder;
  private HttpUpstreamTransport transport;
  private ScheduledExecutorService prober;
  private HeadTracker heads;
  private HeadPoller headPoller;

  @PostConstruct
  void start() {
    byName = new LinkedHashMap<>();
    for (UpstreamSettings s : config.upstreams()) {
      CircuitBreaker breaker =
          new CircuitBreaker(clock, config.failureThreshold(), config.outOfService());
      breaker.listen((from, to, reason) -> EventLog.upstreamState(s.name(), from, to, reason));
      byName.put(s.name(), new Upstream(s, breaker, clock));
    }
    all = List.copyOf(byName.values());
    List<UpstreamGroup> groups = new ArrayList<>();
    for (UpstreamsConfig.GroupSettings g : config.groups()) {
      groups.add(
          new UpstreamGroup(
              g.name(), g.strategy(), g.upstreams().stream().map(byName::get).toList()));
    }
    defaultGroup = groups.get(0);
    router = new MethodRouter(defaultGroup);
    for (int i = 1; i < groups.size(); i++) {
      router.route(config.groups().get(i).methods(), groups.get(i));
    }
    transport = new HttpUpstreamTransport(config.connectTimeout(), config.maxResponseBytes());
    forwarder =
        new Forwarder(
            transport,
            config.classifier(),
            clock,
            d -> Thread.sleep(d),
            config.backoffBase(),
            config.backoffMax(),
            config.hedging());
    UpstreamsConfig.HeadSettings h = config.heads();
    heads = new HeadTracker(clock, h.maxLag(), h.recoverLag(), h.confirmations(), h.stallTimeout());
    heads.listen(EventLog::upstreamState);
    headPoller = new HeadPoller(transport, heads, clock);
    prober =
        Executors.newScheduledThreadPool(
            2, r -> Thread.ofPlatform().daemon().name("rpcshield-upstream-watch").unstarted(r));
    long every = config.probeInterval().toMillis();
    prober.scheduleWithFixedDelay(this::probe, every, every, TimeUnit.MILLISECONDS);
    long poll = h.pollInterval().toMillis();
    prober.scheduleWithFixedDelay(() -> headPoller.pollAll(all), 0, poll, TimeUnit.MILLISECONDS);
    Duration silence = config.unresponsiveAfter();
    if (!silence.isZero()) {
      long check = Math.max(50, Math.min(200, silence.toMillis() / 5));
      prober.scheduleWithFixedDelay(
          () -> takeOutSilent(silence), check, check, TimeUnit.MILLISECONDS);
    }
    LOG.info(() ->
        "RpcShield upstreams: "
            + String.join(", ", byName.keySet())
            + "; groups: "
            + groups.stream().map(UpstreamGroup::name).toList());
  }

  @PreDestroy
  void stop() {
    prober.shutdownNow();
    transport.close();
  }

  /**
   * Takes out of rotation an upstream that requests have waited on for {@code silence} while it
   * answered nothing at all, neither calls nor head polls: it has stalled, and a breaker that
   * counts failures would only see them when its timeouts expire.
   */
  void takeOutSilent(Duration silence) {
    for (Upstream u : all) {
      if (u.stalled(silence)) {
        u.breaker().trip("unresponsive: no answer for " + u.silentFor().toMillis() + " ms");
      }
    }
  }

  /** Sends probes to upstreams whose out-of-service interval has passed. */
  void probe() {
    for (Upstream u : all) {
      if (u.breaker().probeDue()) {
        Thread.ofVirtual().start(() -> probe(u));
      }
    }
  }

  private void probe(Upstream u) {
    try {
      byte[] body = transport.exchange(u, PROBE, u.settings().timeout(), null, false);
      UpstreamReply reply = UpstreamReply.read(body);
      if (reply.isArray() || reply.answers().get(0).isError()) {
        u.breaker().onFailure("probe answered with an error");
      } else {
        u.answered();
        u.head().pollAnswered(true);
        u.breaker().onSuccess();
      }
    } catch (Exception e) {
      u.breaker().onFailure("probe failed");
      LOG.log(Level.FINE, "probe of " + u.name() + " failed", e);
    }
  }

  /** The order in which a call with this requirement tries the group's upstreams. */
  public List<Upstream> order(UpstreamGroup group, BlockRequirement need) {
    return heads.arrange(group.order(), need);
  }

  public HeadTracker heads() {
    return heads;
  }

  public UpstreamGroup groupFor(String method) {
    return router.groupFor(method);
  }

  public Forwarder forwarder() {
    return forwarder;
  }

  public Duration requestTimeout() {
    return config.requestTimeout();
  }

  public Clock clock() {
    return clock;
  }

  public List<Upstream> all() {
    return all;
  }
}
