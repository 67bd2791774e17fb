package dev.rpcshield.upstream;

import dev.rpcshield.config.Current;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.limit.SharedRedis;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The networks of this instance and their upstreams: one {@link Network} each, sharing the HTTP
 * client pool and the watcher that probes out-of-service upstreams, polls heads, takes stalled
 * upstreams out and checks every upstream's chain id.
 */
@ApplicationScoped
public class Upstreams extends DirectBean {
  /** One reconciliation at a time; a lock, not a monitor, as it waits on chain checks. */
  private final ReentrantLock reconciling = new ReentrantLock();

  private static final Logger LOG = Logger.getLogger(Upstreams.class.getName());

  @Inject Current<NetworksConfig> current;
  @Inject Clock clock;
  @Inject HttpClient webSockets;
  @Inject SharedRedis redis;

  private Map<String, Network> networks;
  private Map<String, Network> byHost;
  private Network defaultNetwork;
  private volatile List<Upstream> all;
  private HttpUpstreamTransport transport;
  private ScheduledExecutorService prober;
  private ExecutorService checks;
  private ScheduledThreadPoolExecutor timer;
  private UpstreamWatcher watcher;

  @PostConstruct
  void start() {
    NetworksConfig config = current.get();
    UpstreamsConfig first = config.networks().get(0).upstreams();
    // One client pool for every network, with the first network's connect timeout and response cap.
    transport = new HttpUpstreamTransport(first.connectTimeout(), first.maxResponseBytes());
    timer =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().daemon().name("rpcshield-outbound-timer").unstarted(r));
    timer.setRemoveOnCancelPolicy(true);
    networks = new LinkedHashMap<>();
    byHost = new HashMap<>();
    List<Upstream> found = new ArrayList<>();
    for (NetworkConfig c : config.networks()) {
      PendingNonces own = new MemoryPendingNonces(c.upstreams().transactions().trackedMax(), clock);
      Network n =
          new Network(
              c,
              transport,
              webSockets,
              clock,
              this::schedule,
              redis.configured() ? new RedisPendingNonces(redis, own) : own);
      networks.put(n.name(), n);
      c.hosts().forEach(h -> byHost.put(h, n));
      found.addAll(n.upstreams());
    }
    all = List.copyOf(found);
    defaultNetwork = networks.get(config.defaultNetwork());
    // Each network's head poll waits on its upstreams, so one thread per network plus one for the
    // probes, silence and chain checks keeps a hanging network from delaying the others.
    // The watcher's fan-out (head polls, probes, chain checks) runs on platform threads: at start
    // they are the first to load the HTTP client's classes, and class loading pins a virtual
    // thread to its carrier, so a few of them waiting on Liberty's class-loader locks could
    // occupy every carrier while the lock's owner waits for one (seen as a start-up hang in CI).
    checks =
        Executors.newCachedThreadPool(
            r -> Thread.ofPlatform().daemon().name("rpcshield-upstream-check").unstarted(r));
    watcher = new UpstreamWatcher(transport, clock, checks, () -> all);
    all.forEach(watcher::recheckWhenDoubted);
    prober =
        Executors.newScheduledThreadPool(
            networks.size() + 1,
            r -> Thread.ofPlatform().daemon().name("rpcshield-upstream-watch").unstarted(r));
    for (Network n : networks.values()) {
      UpstreamsConfig c = n.config();
      long every = c.probeInterval().toMillis();
      prober.scheduleWithFixedDelay(() -> watcher.probe(n), every, every, TimeUnit.MILLISECONDS);
      long poll = c.heads().pollInterval().toMillis();
      prober.scheduleWithFixedDelay(() -> n.pollHeads(checks), 0, poll, TimeUnit.MILLISECONDS);
      Duration silence = c.unresponsiveAfter();
      if (!silence.isZero()) {
        long check = Math.max(50, Math.min(200, silence.toMillis() / 5));
        prober.scheduleWithFixedDelay(
            () -> watcher.takeOutSilent(n, silence), check, check, TimeUnit.MILLISECONDS);
      }
    }
    if (all.stream().anyMatch(u -> u.chainId() != 0)) {
      long check = config.chainCheckInterval().toMillis();
      prober.scheduleWithFixedDelay(watcher::checkChains, 0, check, TimeUnit.MILLISECONDS);
    }
    for (Network n : networks.values()) {
      LOG.info(() ->
          "RpcShield network "
              + n.name()
              + (n.chainId() == 0 ? "" : " (chain " + n.chainId() + ")")
              + ": upstreams "
              + String.join(", ", n.upstreams().stream().map(Upstream::name).toList())
              + "; groups "
              + n.groups().stream().map(UpstreamGroup::name).toList());
    }
  }

  /** The outbound chain's timer: hedge delays and retry pauses, on one scheduler thread. */
  private Runnable schedule(Duration delay, Runnable task) {
    ScheduledFuture<?> f = timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
    prober.shutdownNow();
    checks.shutdownNow();
    networks.values().forEach(Network::close);
    transport.close();
  }

  /** What a reconfiguration changed: the upstreams that joined and left, with their network. */
  public record Reconciled(Map<Upstream, Network> added, Map<Upstream, Network> removed) {}

  /**
   * Moves every network to {@code next} (the set of networks is the running one: it needs a
   * restart). An upstream that joins has its chain checked and its head polled before any request
   * can reach it; one that leaves gets no new request, and its connection pools close once the
   * requests in flight on it are done (at most the request timeout later).
   */
  public Reconciled reconcile(NetworksConfig next) {
    reconciling.lock();
    try {
      List<Network.Change> changes = new ArrayList<>();
      for (NetworkConfig c : next.networks()) {
        Network n = networks.get(c.name());
        if (n != null) {
          changes.add(n.plan(c));
        }
      }
      FanOut.each(
          changes.stream()
              .flatMap(c -> c.added().stream().map(u -> Map.entry(c.network(), u)))
              .toList(),
          e -> {
            if (e.getValue().chainId() != 0) {
              watcher.checkChain(e.getValue());
            }
            e.getKey().pollHead(e.getValue());
          },
          checks);
      Map<Upstream, Network> added = new LinkedHashMap<>();
      Map<Upstream, Network> removed = new LinkedHashMap<>();
      for (Network.Change c : changes) {
        c.added().forEach(watcher::recheckWhenDoubted);
        List<Upstream> resized =
            c.kept().entrySet().stream()
                .filter(e -> e.getKey().settings().maxInFlight() != e.getValue().maxInFlight())
                .map(Map.Entry::getKey)
                .toList();
        c.network().apply(c);
        c.added().forEach(u -> added.put(u, c.network()));
        c.removed().forEach(u -> removed.put(u, c.network()));
        Duration drain = c.network().requestTimeout().plusSeconds(1);
        for (Upstream u : c.removed()) {
          u.remove();
          checks.execute(() -> drainAndRetire(c.network(), u, drain));
        }
        for (Upstream u : resized) {
          transport.retire(u, drain);
        }
      }
      List<Upstream> found = new ArrayList<>();
      networks.values().forEach(n -> found.addAll(n.upstreams()));
      all = List.copyOf(found);
      return new Reconciled(added, removed);

    } finally {
      reconciling.unlock();
    }
  }

  /**
   * Retires a removed upstream's pools and connection for calls once its requests in flight are
   * done, within {@code limit}.
   */
  private void drainAndRetire(Network n, Upstream u, Duration limit) {
    retireWhenDrained(n, u, clock.instant().plus(limit));
  }

  /**
   * Retires {@code u}'s pools and connection now if nothing is in flight or {@code until} has come,
   * else looks again in 50 ms.
   */
  private void retireWhenDrained(Network n, Upstream u, Instant until) {
    if (u.active() > 0 && clock.instant().isBefore(until)) {
      try {
        prober.schedule(() -> retireWhenDrained(n, u, until), 50, TimeUnit.MILLISECONDS);
        return;
      } catch (RejectedExecutionException stopping) {
        LOG.log(Level.FINE, "retiring " + u.name() + " at once: stopping", stopping);
      }
    }
    n.retire(u);
    transport.retire(u, Duration.ZERO);
  }

  /** The networks in declaration order. */
  public Collection<Network> networks() {
    return networks.values();
  }

  /** The network named {@code name}, or null when there is none. */
  public Network network(String name) {
    return networks.get(name);
  }

  /** The network served at {@code /} and {@code /v1/<key>}. */
  public Network defaultNetwork() {
    return defaultNetwork;
  }

  /** The network whose {@code hosts} name {@code host} (lower case, no port), or null. */
  public Network forHost(String host) {
    return byHost.get(host);
  }

  /** Every HTTP upstream of every network. */
  public List<Upstream> all() {
    return all;
  }
}
