package dev.rpcshield.account;

import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Counts compute units, requests and refusals per account and network in memory and flushes them to
 * the database every few seconds, where every instance adds its share; the monthly quota, one
 * budget across networks, is checked against the database total (re-read at each flush) plus what
 * this instance has not flushed yet. Across instances a quota can be overshot by at most one flush
 * interval of traffic. Each call is also counted by key, method and day (UTC) for {@code
 * usage_daily}, flushed the same way.
 */
public final class UsageMeter {
  private static final long MILLIS_PER_DAY = 86_400_000L;
  private static final Logger LOG = Logger.getLogger(UsageMeter.class.getName());

  private final AccountStore store;
  private final Clock clock;

  /**
   * Calls, compute units, refusals and errors per key, network, method and day, not yet flushed.
   */
  private final Map<DailyUsage.Key, AtomicLongArray> daily = new ConcurrentHashMap<>();

  /** What an account used on one network since the last flush. */
  private record Key(UUID account, String network) {}

  private final Map<Key, AtomicLongArray> pending = new ConcurrentHashMap<>();

  /** Compute units of each account counted but not yet in the database total. */
  private final Map<UUID, AtomicLong> unflushed = new ConcurrentHashMap<>();

  private final Map<UUID, Long> totals = new ConcurrentHashMap<>();

  /**
   * Accounts whose last checked call found {@link #NEARLY_USED} or more of their monthly quota
   * used, and the month ({@code yyyy * 12 + month - 1}, UTC) the set is about; a new month empties
   * it.
   */
  private final Set<UUID> nearlyUsed = ConcurrentHashMap.newKeySet();

  private volatile long nearlyUsedMonth = -1;

  /** The share of a monthly quota from which an account counts as having nearly used it. */
  public static final double NEARLY_USED = 0.9;

  /**
   * One flush at a time: a flush that finds the counts already taken by another waits until that
   * one has written them, so what was counted before it began is in the database when it returns
   * (the admin API flushes before it reads usage).
   */
  private final ReentrantLock flushing = new ReentrantLock();

  public UsageMeter(AccountStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * One call of an account's, answered or refused: counted for {@code usage_daily} under its key
   * (null: none of its own), network and method (as the metrics name it), today.
   *
   * @param outcome {@code ok}, {@code error} (an error answer, the chain's or the gateway's own
   *     failure: {@code failed}), {@code refused} or {@code invalid}
   */
  public void called(
      UUID account, UUID key, String network, String method, long computeUnits, String outcome) {
    LocalDate day = today();
    AtomicLongArray c =
        daily.computeIfAbsent(
            new DailyUsage.Key(
                day, account, key == null ? DailyUsage.NO_KEY : key, network, method),
            k -> new AtomicLongArray(4));
    c.addAndGet(0, 1);
    c.addAndGet(1, computeUnits);
    switch (outcome) {
      case "refused" -> c.addAndGet(2, 1);
      case "error", "failed", "invalid" -> c.addAndGet(3, 1);
      default -> {}
    }
  }

  /** Whether {@code cost} more units stay within {@code monthlyLimit} (0: no quota). */
  public boolean withinQuota(UUID account, long cost, long monthlyLimit) {
    if (monthlyLimit <= 0 || cost == 0) {
      if (monthlyLimit <= 0 && !nearlyUsed.isEmpty()) {
        nearlyUsed.remove(account);
      }
      return true;
    }
    long total = totals.computeIfAbsent(account, a -> store.usage(a).computeUnits());
    AtomicLong p = unflushed.get(account);
    long used = total + (p == null ? 0 : p.get());
    boolean near = used + cost >= NEARLY_USED * monthlyLimit;
    if (near != nearlyUsed.contains(account)) {
      if (near) {
        nearlyUsed.add(account);
      } else {
        nearlyUsed.remove(account);
      }
    }
    return used + cost <= monthlyLimit;
  }

  /**
   * The accounts whose last call this instance checked this month would bring them to {@link
   * #NEARLY_USED} or more of their monthly quota (how many is a bounded number for an alert, where
   * a series per account would not be). An account leaves the set at a later call under that share
   * or without a quota, and every account at the first flush of a month.
   */
  public Set<UUID> accountsNearQuota() {
    return Set.copyOf(nearlyUsed);
  }

  public void served(UUID account, String network, long computeUnits) {
    AtomicLongArray p = counts(account, network);
    p.addAndGet(0, computeUnits);
    p.addAndGet(1, 1);
    unflushed(account).addAndGet(computeUnits);
  }

  /** Compute units used without a request: subscription notifications, metered by size. */
  public void metered(UUID account, String network, long computeUnits) {
    counts(account, network).addAndGet(0, computeUnits);
    unflushed(account).addAndGet(computeUnits);
  }

  public void refused(UUID account, String network) {
    counts(account, network).addAndGet(2, 1);
  }

  private AtomicLongArray counts(UUID account, String network) {
    return pending.computeIfAbsent(new Key(account, network), k -> new AtomicLongArray(3));
  }

  private AtomicLong unflushed(UUID account) {
    return unflushed.computeIfAbsent(account, a -> new AtomicLong());
  }

  /** Writes what was counted since the last flush and re-reads the totals. */
  public void flush() {
    flushing.lock();
    try {
      writePending();
    } finally {
      flushing.unlock();
    }
  }

  /** Today in UTC, by the clock. */
  private LocalDate today() {
    return LocalDate.ofEpochDay(Math.floorDiv(clock.millis(), MILLIS_PER_DAY));
  }

  private void writePending() {
    LocalDate today = today();
    long month = today.getYear() * 12L + today.getMonthValue() - 1;
    if (month != nearlyUsedMonth) {
      nearlyUsed.clear();
      nearlyUsedMonth = month;
    }
    for (Map.Entry<Key, AtomicLongArray> e : pending.entrySet()) {
      AtomicLongArray p = e.getValue();
      long cu = p.getAndSet(0, 0);
      long requests = p.getAndSet(1, 0);
      long refusals = p.getAndSet(2, 0);
      if (cu > 0 || requests > 0 || refusals > 0) {
        UUID account = e.getKey().account();
        try {
          store.addUsage(account, e.getKey().network(), cu, requests, refusals);
          unflushed(account).addAndGet(-cu);
        } catch (RuntimeException failed) {
          if (!refusedForGood(failed)) {
            p.addAndGet(0, cu);
            p.addAndGet(1, requests);
            p.addAndGet(2, refusals);
            throw failed;
          }
          unflushed(account).addAndGet(-cu);
          LOG.log(
              Level.WARNING,
              "usage of account "
                  + account
                  + " on "
                  + e.getKey().network()
                  + " dropped: the database refused it ("
                  + failed
                  + ")");
        }
      }
    }
    totals.clear();
    writeDaily();
  }

  /**
   * Whether the database refused a row for what it holds, so that writing it again would fail
   * again: an integrity constraint (SQL state class 23: its account was deleted meanwhile) or a
   * value it cannot take (class 22). Anything else (unavailable, a deadlock, a timeout) may pass at
   * the next flush.
   */
  static boolean refusedForGood(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth++ < 32; t = t.getCause()) {
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("23") || sql.getSQLState().startsWith("22"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Writes the daily counts, each row in a transaction of its own. A row the database refuses for
   * good (its account was deleted meanwhile) is dropped and logged, so it holds up no other row nor
   * any later flush; any other failure keeps the row's counts for the next flush.
   */
  private void writeDaily() {
    LocalDate yesterday = today().minusDays(1);
    for (Map.Entry<DailyUsage.Key, AtomicLongArray> e : daily.entrySet()) {
      AtomicLongArray c = e.getValue();
      long[] taken = new long[4];
      for (int i = 0; i < 4; i++) {
        taken[i] = c.getAndSet(i, 0);
      }
      if (taken[0] == 0 && taken[1] == 0 && taken[2] == 0 && taken[3] == 0) {
        // Nothing since the last flush. A day before yesterday takes no call any more: its
        // counter goes (yesterday's stays, for a call that took its day just before midnight).
        if (e.getKey().day().isBefore(yesterday)) {
          daily.remove(e.getKey(), c);
        }
        continue;
      }
      try {
        store.addDaily(e.getKey(), taken[0], taken[1], taken[2], taken[3]);
      } catch (RuntimeException failed) {
        if (!refusedForGood(failed)) {
          for (int i = 0; i < 4; i++) {
            c.addAndGet(i, taken[i]);
          }
          throw failed;
        }
        LOG.log(
            Level.WARNING,
            "usage of " + e.getKey() + " dropped: the database refused it (" + failed + ")");
      }
    }
  }
}
