package dev.rpcshield.account;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts compute units, requests and refusals per account in memory and flushes them to the
 * database every few seconds, where every instance adds its share; the monthly quota is checked
 * against the database total (re-read at each flush) plus what this instance has not flushed yet.
 * Across instances a quota can be overshot by at most one flush interval of traffic.
 */
public final class UsageMeter {
  private final AccountStore store;
  private final Map<UUID, AtomicLongArray> pending = new ConcurrentHashMap<>();
  private final Map<UUID, Long> totals = new ConcurrentHashMap<>();

  public UsageMeter(AccountStore store) {
    this.store = store;
  }

  /** Whether {@code cost} more units stay within {@code monthlyLimit} (0: no quota). */
  public boolean withinQuota(UUID account, long cost, long monthlyLimit) {
    if (monthlyLimit <= 0 || cost == 0) {
      return true;
    }
    long total = totals.computeIfAbsent(account, a -> store.usage(a).computeUnits());
    AtomicLongArray p = pending.get(account);
    long used = total + (p == null ? 0 : p.get(0));
    return used + cost <= monthlyLimit;
  }

  public void served(UUID account, long computeUnits) {
    AtomicLongArray p = pending.computeIfAbsent(account, a -> new AtomicLongArray(3));
    p.addAndGet(0, computeUnits);
    p.addAndGet(1, 1);
  }

  /** Compute units used without a request: subscription notifications, metered by size. */
  public void metered(UUID account, long computeUnits) {
    pending.computeIfAbsent(account, a -> new AtomicLongArray(3)).addAndGet(0, computeUnits);
  }

  public void refused(UUID account) {
    pending.computeIfAbsent(account, a -> new AtomicLongArray(3)).addAndGet(2, 1);
  }

  /** Writes what was counted since the last flush and re-reads the totals. */
  public void flush() {
    for (Map.Entry<UUID, AtomicLongArray> e : pending.entrySet()) {
      AtomicLongArray p = e.getValue();
      long cu = p.getAndSet(0, 0);
      long requests = p.getAndSet(1, 0);
      long refusals = p.getAndSet(2, 0);
      if (cu > 0 || requests > 0 || refusals > 0) {
        try {
          store.addUsage(e.getKey(), cu, requests, refusals);
        } catch (RuntimeException failed) {
          p.addAndGet(0, cu);
          p.addAndGet(1, requests);
          p.addAndGet(2, refusals);
          throw failed;
        }
      }
    }
    totals.clear();
  }
}
