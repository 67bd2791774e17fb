package dev.rpcshield.ratewatch;

import dev.rpcshield.config.Current;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.limit.SharedRedis;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What refusals add up to (each is counted and logged by the one place that records it, {@code
 * pipeline/Refusals}, which hands it here): the episode window (what operators look at) and, for
 * accounts, the conservative auto-flag: {@code rpcshield.ratewatch.flag-threshold} refusals within
 * {@code rpcshield.ratewatch.flag-window} stamp the account's high-rate flag once; only an operator
 * clears it; nothing is ever banned automatically.
 *
 * <p>With Redis configured, each instance adds its refusals to the cluster's state every {@code
 * rpcshield.ratewatch.sync-interval} (and before every episode read), so the threshold counts
 * refusals cluster-wide and the episodes are the cluster's. Without Redis, or while Redis cannot be
 * reached, the counts are this instance's; unsynced counts are kept for the next sync, bounded like
 * the window itself.
 */
@ApplicationScoped
public class Ratewatch extends DirectBean {
  /** One sync at a time; a lock, not a monitor, as it waits on Redis. */
  private final ReentrantLock syncing = new ReentrantLock();

  private static final Logger LOG = Logger.getLogger(Ratewatch.class.getName());

  @Inject HighRateFlags highRateFlags;
  @Inject Current<RatewatchConfig> current;
  @Inject Clock clock;
  @Inject SharedRedis redis;

  private final AtomicLong flagsRaised = new AtomicLong();
  private final AtomicLong refusals = new AtomicLong();
  private final AtomicLong syncFailures = new AtomicLong();
  private final Map<String, Long> pendingSeries = new ConcurrentHashMap<>();
  private final Map<String, Long> pendingAccounts = new ConcurrentHashMap<>();
  private int maxPending;
  private LocalRatewatch local;
  private SharedRatewatch shared;
  private volatile boolean sharedHealthy;
  private Instant failingSince;
  private ScheduledExecutorService syncer;

  @PostConstruct
  void init() {
    // The series bounds and the sync interval are built in: those keys need a restart
    // (docs/configuration.md). The flag rule is asked for at every count, so it follows the
    // configuration.
    RatewatchConfig config = current.get();
    Current<FlagRule> flag = current.map(c -> new FlagRule(c.flagThreshold(), c.flagWindow()));
    int maxSeries = config.maxSeries();
    local = new LocalRatewatch(clock, maxSeries, config.retention(), flag);
    maxPending = Math.max(maxSeries, 1000);
    if (redis.configured()) {
      shared =
          new SharedRatewatch(redis.connection(), "{rw}:", maxSeries, config.retention(), flag);
      sharedHealthy = true;
      long every = config.syncInterval().toMillis();
      syncer =
          Executors.newSingleThreadScheduledExecutor(
              r -> Thread.ofPlatform().daemon().name("rpcshield-ratewatch").unstarted(r));
      syncer.scheduleWithFixedDelay(this::sync, every, every, TimeUnit.MILLISECONDS);
    }
  }

  @PreDestroy
  void stop() {
    if (syncer != null) {
      syncer.shutdownNow();
      sync();
    }
  }

  /**
   * One refusal, counted against {@code sender} when it names one (the sender throttle's), else
   * against the caller's account or address.
   */
  public void refused(Caller caller, String sender) {
    refusals.incrementAndGet();
    if (sender != null) {
      record("sender", sender, null);
    } else if (caller.account() != null) {
      UUID account = caller.account().accountId();
      record("user", account.toString(), account);
    } else {
      record("ip", caller.clientIp(), null);
    }
  }

  private void record(String refusalClass, String key, UUID account) {
    String series = refusalClass + "|" + key;
    if (shared == null) {
      Map<String, Long> byAccount = account == null ? Map.of() : Map.of(account.toString(), 1L);
      for (String fired : local.add(Map.of(series, 1L), byAccount)) {
        flag(UUID.fromString(fired));
      }
      return;
    }
    local.add(Map.of(series, 1L), Map.of());
    add(pendingSeries, series, 1);
    if (account != null) {
      add(pendingAccounts, account.toString(), 1);
    }
  }

  /** Adds to a pending count; a series new past the bound is dropped (the local window has it). */
  private void add(Map<String, Long> pending, String id, long n) {
    if (pending.size() >= maxPending && !pending.containsKey(id)) {
      return;
    }
    pending.merge(id, n, Long::sum);
  }

  private void flag(UUID account) {
    if (highRateFlags.flag(account)) {
      flagsRaised.incrementAndGet();
      LOG.warning(() -> "account " + account + " flagged for a high refusal rate (review it)");
    }
  }

  /** Adds this instance's unsynced refusals to the cluster's state and raises flags it crossed. */
  @SuppressWarnings("unchecked")
  void sync() {
    syncing.lock();
    try {
      Map<String, Long> series = drain(pendingSeries);
      Map<String, Long> byAccount = drain(pendingAccounts);
      if (series.isEmpty() && byAccount.isEmpty()) {
        return;
      }
      List<String> fired;
      try {
        fired =
            (List<String>) redis.call(() -> shared.add(series, byAccount), Ratewatch::unavailable);
        sharedHealthy = true;
        failingSince = null;
      } catch (RuntimeException e) {
        if (sharedHealthy) {
          LOG.log(Level.WARNING, "ratewatch cannot reach Redis; counting locally until it can", e);
          failingSince = clock.instant();
        }
        sharedHealthy = false;
        syncFailures.incrementAndGet();
        series.forEach((id, n) -> add(pendingSeries, id, n));
        // Kept for the flag only while they could still be inside its window: refusals spread over
        // a
        // long outage must not land in one bucket when Redis returns and flag an account early.
        if (Duration.between(failingSince, clock.instant()).compareTo(current.get().flagWindow())
            < 0) {
          byAccount.forEach((id, n) -> add(pendingAccounts, id, n));
        }
        return;
      }
      for (String account : fired) {
        try {
          flag(UUID.fromString(account));
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "could not stamp the high-rate flag of " + account, e);
        }
      }

    } finally {
      syncing.unlock();
    }
  }

  private static Map<String, Long> drain(Map<String, Long> pending) {
    Map<String, Long> out = new HashMap<>();
    for (String id : List.copyOf(pending.keySet())) {
      Long n = pending.remove(id);
      if (n != null) {
        out.put(id, n);
      }
    }
    return out;
  }

  /** Live episodes, most recently throttled first: the cluster's when Redis is reachable. */
  @SuppressWarnings("unchecked")
  public List<Episode> episodes() {
    if (shared != null) {
      sync();
      if (sharedHealthy) {
        try {
          return (List<Episode>)
              redis.call(() -> shared.episodes(clock.instant()), Ratewatch::unavailable);
        } catch (RuntimeException e) {
          LOG.log(
              Level.WARNING, "ratewatch episodes from Redis failed; showing this instance's", e);
        }
      }
    }
    return local.episodes(clock.instant());
  }

  /** Whether episodes and flag counts are the cluster's (Redis configured and reachable). */
  public boolean clusterWide() {
    return shared != null && sharedHealthy;
  }

  /** Flags this instance raised since start. */
  public long flagsRaised() {
    return flagsRaised.get();
  }

  /** Refusals this instance recorded since start. */
  public long refusals() {
    return refusals.get();
  }

  /** Syncs with Redis that failed since start. */
  public long syncFailures() {
    return syncFailures.get();
  }

  /** Series in this instance's own episode window. */
  public int localSeries() {
    return local.episodes(clock.instant()).size();
  }

  /** Cluster-wide state has no local stand-in: the caller keeps its counts and tries again. */
  private static Object unavailable() {
    throw new IllegalStateException("Redis cannot be used");
  }
}
