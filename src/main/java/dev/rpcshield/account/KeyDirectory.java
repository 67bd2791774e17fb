package dev.rpcshield.account;

import dev.rpcshield.allowlist.Allowlists;
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
 * a second; the instance that made the change drops its key lookups at once ({@link
 * #invalidate()}). A lookup is cached only if no drop happened since it started, so a lookup that
 * read the database before a change and returns after the drop (a slow database) is answered but
 * not kept. The change counter and the blocklist are read through a store of their own, so lookups
 * waiting on a slow database never hold up the poll.
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

  /** Runs a database lookup of a key that missed the cache, bounded in time and concurrency. */
  @FunctionalInterface
  public interface Guard {
    <T> T call(Supplier<T> lookup);
  }

  /** A resolution: a status and, when OK, the caller's account view. */
  public record Resolution(Status status, AccountView view) {}

  private record Blocked(Cidr cidr, Instant expiresAt) {}

  /**
   * A cached resolution and, for a key that resolves, how its account's own overrides apply to a
   * tier and which tiers its limits were taken from: when the tiers are reconfigured, the limits
   * are taken again without asking the database.
   */
  private record Cached(
      Resolution resolution, String tier, Function<Tier, Tier> overrides, Tiers under) {
    static Cached of(Resolution r) {
      return new Cached(r, null, null, null);
    }

    Cached under(Tiers tiers) {
      AccountView next = resolution.view().withLimits(overrides.apply(tierOf(tiers, tier)));
      return new Cached(new Resolution(Status.OK, next), tier, overrides, tiers);
    }
  }

  private final AccountStore store;
  private final AccountStore changes;
  private final Supplier<Tiers> tiers;
  private final Clock clock;
  private final int maxEntries;
  private final Guard guard;
  private final Map<String, Cached> byHash;
  private final Set<UUID> used = ConcurrentHashMap.newKeySet();
  private volatile List<Blocked> blocklist;
  private volatile long seenSeq;

  /** How many times the key lookups were dropped; moved only while holding {@code byHash}. */
  private volatile long generation;

  /**
   * @param store where keys are looked up and their last use is written
   * @param changes where the change counter and the blocklist are read (the change poll's own
   *     connections)
   * @param tiers the tiers as they are configured now
   * @param maxEntries most cached key lookups (LRU; default 100,000)
   * @param guard runs the database lookup of a key that missed the cache (bounded in time and
   *     concurrency)
   */
  public KeyDirectory(
      AccountStore store,
      AccountStore changes,
      Supplier<Tiers> tiers,
      Clock clock,
      int maxEntries,
      Guard guard) {
    this.store = store;
    this.changes = changes;
    this.tiers = tiers;
    this.clock = clock;
    this.maxEntries = maxEntries;
    this.guard = guard;
    this.byHash =
        Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > KeyDirectory.this.maxEntries;
              }
            });
    this.seenSeq = changes.changeSeq();
    this.blocklist = loadBlocklist();
  }

  public Resolution resolve(String key) {
    if (!ApiKeys.wellFormed(key)) {
      return new Resolution(Status.MALFORMED, null);
    }
    String hash = ApiKeys.hash(key);
    long started = generation;
    Cached c = byHash.get(hash);
    if (c == null) {
      c = guard.call(() -> load(hash));
      keep(hash, c, started);
    } else if (c.under() != null && c.under() != tiers.get()) {
      c = c.under(tiers.get());
      keep(hash, c, started);
    }
    Resolution r = c.resolution();
    if (r.status() == Status.OK) {
      used.add(r.view().keyId());
    }
    return r;
  }

  /**
   * Resolves the account of a caller's token by its {@code subject} ({@code <issuer> <account
   * claim>}: an account claim is unique within one issuer only), cached with the keys and dropped
   * with them on any change: made on its first call, named {@code name} (on the tier the token
   * names, else {@code free}) when {@code create} is true, else {@link Status#UNKNOWN}. The token's
   * tier, when it names a configured one, sets the call's limits, with the account's own overrides.
   */
  public Resolution resolveSubject(String subject, String name, boolean create, String tokenTier) {
    // Whether accounts are made on first use is in the key: an UNKNOWN kept while they were not is
    // not taken for one after they are, nor the other way round.
    String cacheKey = "token\u0000" + create + "\u0000" + subject;
    long started = generation;
    Cached c = byHash.get(cacheKey);
    if (c == null || (create && c.resolution().status() == Status.UNKNOWN)) {
      c = guard.call(() -> loadSubject(subject, name, create, tokenTier));
      keep(cacheKey, c, started);
    } else if (c.under() != null && c.under() != tiers.get()) {
      c = c.under(tiers.get());
      keep(cacheKey, c, started);
    }
    Resolution r = c.resolution();
    if (r.status() == Status.OK && tokenTier != null) {
      Optional<Tier> named = tiers.get().tier(tokenTier);
      if (named.isPresent()) {
        r = new Resolution(Status.OK, r.view().withLimits(c.overrides().apply(named.get())));
      }
    }
    return r;
  }

  private Cached loadSubject(String subject, String name, boolean create, String tokenTier) {
    Optional<Account> found = store.accountOfSubject(subject);
    if (found.isEmpty() && !create) {
      return Cached.of(new Resolution(Status.UNKNOWN, null));
    }
    Tiers now = tiers.get();
    Account a =
        found.isPresent()
            ? found.get()
            : store.createSubjectAccount(
                subject,
                name,
                tokenTier != null && now.tier(tokenTier).isPresent() ? tokenTier : "free",
                "token",
                false);
    if (!a.isEnabled()) {
      return Cached.of(new Resolution(Status.DISABLED, null));
    }
    Resolution r =
        new Resolution(
            Status.OK,
            new AccountView(
                a.getId(),
                null,
                a.limitsUnder(tierOf(now, a.getTier())),
                Set.copyOf(a.getNetworks()),
                Allowlists.NONE,
                null,
                false));
    return new Cached(r, a.getTier(), a::limitsUnder, now);
  }

  /** Caches {@code c} unless the lookups were dropped since generation {@code started}. */
  private void keep(String hash, Cached c, long started) {
    synchronized (byHash) {
      if (generation == started) {
        byHash.put(hash, c);
      }
    }
  }

  private Cached load(String hash) {
    Optional<ApiKey> key = store.keyByHash(hash);
    if (key.isEmpty()) {
      return Cached.of(new Resolution(Status.UNKNOWN, null));
    }
    ApiKey k = key.get();
    if (k.getRevokedAt() != null) {
      return Cached.of(new Resolution(Status.REVOKED, null));
    }
    Optional<Account> account = store.account(k.getAccountId());
    if (account.isEmpty()) {
      return Cached.of(new Resolution(Status.UNKNOWN, null));
    }
    Account a = account.get();
    if (!a.isEnabled()) {
      return Cached.of(new Resolution(Status.DISABLED, null));
    }
    Tiers now = tiers.get();
    Resolution r =
        new Resolution(
            Status.OK,
            new AccountView(
                a.getId(),
                k.getId(),
                a.limitsUnder(tierOf(now, a.getTier())),
                Set.copyOf(a.getNetworks()),
                k.getAllowlists(),
                k.getSecretHash(),
                k.isSecretRequired()));
    return new Cached(r, a.getTier(), a::limitsUnder, now);
  }

  /** The tier named {@code name}; an account of a tier no longer configured is on {@code free}. */
  private static Tier tierOf(Tiers tiers, String name) {
    return tiers.tier(name).orElseGet(() -> tiers.tier("free").orElseThrow());
  }

  /** How many cached keys would be admitted now without the database (readiness). */
  public int admittedKeys() {
    synchronized (byHash) {
      int n = 0;
      for (Cached c : byHash.values()) {
        if (c.resolution().status() == Status.OK) {
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

  /**
   * Drops every cached key lookup, and keeps any lookup in flight from being cached: the next
   * request with a key asks the database.
   */
  public void invalidate() {
    synchronized (byHash) {
      generation++;
      byHash.clear();
    }
  }

  /** Drops the caches if any instance changed accounts, keys or the blocklist since last time. */
  public void refreshIfChanged() {
    long seq = changes.changeSeq();
    if (seq != seenSeq) {
      invalidate();
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
    for (BlockedAddress b : changes.blocklist()) {
      out.add(new Blocked(Cidr.parse(b.getCidr()), b.getExpiresAt()));
    }
    return List.copyOf(out);
  }
}
