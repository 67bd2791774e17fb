package dev.rpcshield.account;

import dev.rpcshield.identity.AccountView;
import dev.rpcshield.identity.Tier;
import dev.rpcshield.net.Cidr;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Resolves API keys and blocked addresses without a database round trip per request: key lookups
 * (hits and misses) are cached by hash, the blocklist is held whole, and both are dropped whenever
 * the store's change counter moves, which {@link #refreshIfChanged()} checks (every 500 ms on each
 * instance), so a revoke, disable, tier or allowlist change anywhere takes effect everywhere within
 * a second.
 */
public final class KeyDirectory {

  /** Outcome of presenting a key. */
  public enum Status {
    OK,
    MALFORMED,
    UNKNOWN,
    REVOKED,
    DISABLED
  }

  /** A resolution: a status and, when OK, the caller's account view. */
  public record Resolution(Status status, AccountView view) {}

  private record Blocked(Cidr cidr, Instant expiresAt) {}

  private final AccountStore store;
  private final Tiers tiers;
  private final Clock clock;
  private final int maxEntries;
  private final Function<Supplier<Resolution>, Resolution> guard;
  private final Map<String, Resolution> byHash;
  private final Set<UUID> used = ConcurrentHashMap.newKeySet();
  private volatile List<Blocked> blocklist;
  private volatile long seenSeq;

  /**
   * @param maxEntries most cached key lookups (LRU; default 100,000)
   * @param guard runs the database lookup of a key that missed the cache (bounded in time and
   *     concurrency)
   */
  public KeyDirectory(
      AccountStore store,
      Tiers tiers,
      Clock clock,
      int maxEntries,
      Function<Supplier<Resolution>, Resolution> guard) {
    this.store = store;
    this.tiers = tiers;
    this.clock = clock;
    this.maxEntries = maxEntries;
    this.guard = guard;
    this.byHash =
        Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, Resolution> eldest) {
                return size() > KeyDirectory.this.maxEntries;
              }
            });
    this.seenSeq = store.changeSeq();
    this.blocklist = loadBlocklist();
  }

  public Resolution resolve(String key) {
    if (!ApiKeys.wellFormed(key)) {
      return new Resolution(Status.MALFORMED, null);
    }
    String hash = ApiKeys.hash(key);
    Resolution r = byHash.get(hash);
    if (r == null) {
      r = guard.apply(() -> load(hash));
      byHash.put(hash, r);
    }
    if (r.status() == Status.OK) {
      used.add(r.view().keyId());
    }
    return r;
  }

  private Resolution load(String hash) {
    Optional<ApiKey> key = store.keyByHash(hash);
    if (key.isEmpty()) {
      return new Resolution(Status.UNKNOWN, null);
    }
    ApiKey k = key.get();
    if (k.getRevokedAt() != null) {
      return new Resolution(Status.REVOKED, null);
    }
    Optional<Account> account = store.account(k.getAccountId());
    if (account.isEmpty()) {
      return new Resolution(Status.UNKNOWN, null);
    }
    Account a = account.get();
    if (!a.isEnabled()) {
      return new Resolution(Status.DISABLED, null);
    }
    Tier tier = tiers.tier(a.getTier()).orElseGet(() -> tiers.tier("free").orElseThrow());
    return new Resolution(
        Status.OK,
        new AccountView(
            a.getId(),
            k.getId(),
            a.limitsUnder(tier),
            Set.copyOf(a.getNetworks()),
            k.getAllowlists(),
            k.getSecretHash(),
            k.isSecretRequired()));
  }

  /** How many cached keys would be admitted now without the database (readiness). */
  public int admittedKeys() {
    synchronized (byHash) {
      int n = 0;
      for (Resolution r : byHash.values()) {
        if (r.status() == Status.OK) {
          n++;
        }
      }
      return n;
    }
  }

  /** Whether an address is on the blocklist (expired entries ignored). */
  public boolean blocked(String ip) {
    Instant now = clock.instant();
    for (Blocked b : blocklist) {
      if ((b.expiresAt() == null || b.expiresAt().isAfter(now)) && b.cidr().contains(ip)) {
        return true;
      }
    }
    return false;
  }

  /** Drops the caches if any instance changed accounts, keys or the blocklist since last time. */
  public void refreshIfChanged() {
    long seq = store.changeSeq();
    if (seq != seenSeq) {
      byHash.clear();
      blocklist = loadBlocklist();
      seenSeq = seq;
    }
  }

  /**
   * Writes last-used times for the keys seen since the last call, in one statement; when that fails
   * the keys are kept for the next flush.
   */
  public void flushLastUsed() {
    List<UUID> ids = new ArrayList<>(used);
    used.removeAll(ids);
    try {
      store.touchKeys(ids, clock.instant());
    } catch (RuntimeException e) {
      used.addAll(ids);
      throw e;
    }
  }

  private List<Blocked> loadBlocklist() {
    List<Blocked> out = new ArrayList<>();
    for (BlockedAddress b : store.blocklist()) {
      out.add(new Blocked(Cidr.parse(b.getCidr()), b.getExpiresAt()));
    }
    return List.copyOf(out);
  }
}
