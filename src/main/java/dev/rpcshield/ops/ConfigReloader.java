package dev.rpcshield.ops;

import dev.rpcshield.config.ConfigStatus;
import dev.rpcshield.config.Generation;
import dev.rpcshield.config.Masking;
import dev.rpcshield.config.Settings;
import dev.rpcshield.telemetry.EventLog;
import dev.rpcshield.telemetry.MetricNames;
import dev.rpcshield.upstream.Subscriptions;
import dev.rpcshield.upstream.Upstreams;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Follows the configuration while the gateway runs: every {@code rpcshield.config.refresh-interval}
 * it compares every {@code rpcshield.*} value with the last it saw; on a change it builds and
 * validates the whole new configuration, moves the upstreams to it (new ones checked and polled
 * first), puts it in effect at once and moves subscriptions off removed WebSocket upstreams. A
 * configuration that does not validate is refused as a whole; a change of a restart-only key is
 * reported as needing a restart. Each outcome is an event, a count and the health detail.
 */
@ApplicationScoped
public class ConfigReloader implements ConfigStatus {
  /** One reload at a time; a lock, not a monitor, as it waits on upstreams' chain checks. */
  private final ReentrantLock checking = new ReentrantLock();

  private static final Logger LOG = Logger.getLogger(ConfigReloader.class.getName());

  @Inject Configuration configuration;
  @Inject Upstreams upstreams;
  @Inject Subscriptions subscriptions;
  @Inject OpsStartup ops;
  @Inject MetricRegistry registry;
  @Inject Clock clock;

  private ScheduledExecutorService timer;
  private Map<String, String> seen;
  private volatile Reload last;
  private volatile List<String> needsRestart = List.of();

  /** Starts following the configuration (unless its refresh interval is 0). */
  void start() {
    seen = configuration.source().everything();
    long every = configuration.snapshot().refreshInterval().toMillis();
    if (every == 0) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("rpcshield-config").unstarted(r));
    timer.scheduleWithFixedDelay(this::quietly, every, every, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  private void quietly() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "configuration reload failed", e);
    }
  }

  /** Applies a change if there is one; what became of it, or null when nothing changed. */
  Reload check() {
    checking.lock();
    try {
      Map<String, String> now = configuration.source().everything();
      if (now.equals(seen)) {
        return null;
      }
      List<String> changed = changedKeys(seen, now);
      seen = now;
      Configuration.Snapshot next;
      try {
        next = Configuration.Snapshot.read(new Settings(configuration.source()));
      } catch (IllegalArgumentException e) {
        return outcome("refused", 0, e.getMessage());
      }
      needsRestart = configuration.source().pendingRestart();
      if (changed.stream().allMatch(LiveSource::restartOnly)) {
        if (needsRestart.isEmpty()) {
          Reload back =
              new Reload("unchanged", clock.instant(), String.join(", ", changed) + " as running");
          last = back;
          return back;
        }
        return outcome("needs_restart", 0, String.join(", ", needsRestart));
      }
      Generation g = configuration.next(next);
      Upstreams.Reconciled moved = upstreams.reconcile(next.networks());
      configuration.apply(g);
      moved.removed().forEach(ops::unwatch);
      moved.added().forEach(ops::watch);
      subscriptions.reconcile();
      List<String> live = new ArrayList<>(changed);
      live.removeIf(LiveSource::restartOnly);
      return outcome(
          "applied",
          g.version(),
          String.join(", ", live)
              + (needsRestart.isEmpty()
                  ? ""
                  : "; needs restart: " + String.join(", ", needsRestart)));

    } finally {
      checking.unlock();
    }
  }

  private Reload outcome(String outcome, long version, String detail) {
    EventLog.configReload(outcome, version, detail);
    registry
        .counter(MetricNames.metadata(MetricNames.CONFIG_RELOADS), new Tag("outcome", outcome))
        .inc();
    Reload r = new Reload(outcome, clock.instant(), detail);
    last = r;
    return r;
  }

  /** The keys added, removed or given another value between two views. */
  static List<String> changedKeys(Map<String, String> before, Map<String, String> after) {
    TreeSet<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    keys.removeIf(k -> Objects.equals(before.get(k), after.get(k)));
    return List.copyOf(keys);
  }

  @Override
  public long version() {
    return configuration.generation().version();
  }

  @Override
  public Instant appliedAt() {
    return configuration.generation().appliedAt();
  }

  @Override
  public Reload lastReload() {
    return last;
  }

  @Override
  public List<String> needsRestart() {
    return needsRestart;
  }

  @Override
  public Map<String, String> effective() {
    Map<String, String> out = new LinkedHashMap<>();
    configuration.source().everything().forEach((k, v) -> out.put(k, Masking.listed(k, v)));
    return out;
  }

  @Override
  public Reload applyNow() {
    Reload r = check();
    return r != null ? r : new Reload("unchanged", clock.instant(), "nothing changed");
  }
}
