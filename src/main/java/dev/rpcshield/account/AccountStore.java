package dev.rpcshield.account;

import dev.rpcshield.allowlist.Allowlists;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Accounts, keys, blocklist, usage and audit on the account database. Every change an admin makes
 * is audited and bumps the change counter that every instance polls to refresh its caches; the
 * instance that made it is told as soon as it commits. Accounts are kept here; keys ({@link
 * ApiKeyStore}), the blocklist ({@link BlocklistStore}), usage ({@link UsageStore}) and the audit
 * trail with the counter ({@link ChangeLog}) each have a store of their own behind this one.
 */
public final class AccountStore {
  private final Database db;
  private final Clock clock;
  private final ChangeLog changes;
  private final ApiKeyStore keys;
  private final BlocklistStore blocked;
  private final UsageStore usage;

  /**
   * @param committed runs on the caller's thread after each change commits, before the change
   *     method returns
   */
  public AccountStore(Database db, Clock clock, Runnable committed) {
    this.db = db;
    this.clock = clock;
    this.changes = new ChangeLog(db, clock, committed);
    this.keys = new ApiKeyStore(db, clock, changes);
    this.blocked = new BlocklistStore(db, clock, changes);
    this.usage = new UsageStore(db, clock);
  }

  /** A key just created: the plaintext is returned this once and never stored. */
  public record CreatedKey(ApiKey key, String plaintext) {}

  /** This month's usage of an account. */
  public record Usage(String period, long computeUnits, long requests, long refusals) {}

  public Account createAccount(String name, String tier, String actor) {
    return changes.change(em -> {
      Account a = new Account(UUID.randomUUID(), name, tier, clock.instant());
      em.persist(a);
      changes.changed(em, actor, "account.create", a.getId(), "tier=" + tier);
      return a;
    });
  }

  /** The account that stands for a token's account claim, if one was made for it. */
  public Optional<Account> accountOfSubject(String subject) {
    return db.inTransaction(em ->
        em.createQuery("select a from Account a where a.tokenSubject = :s", Account.class)
            .setParameter("s", subject)
            .getResultStream()
            .findFirst());
  }

  /**
   * Makes the account of a token's subject ({@code <issuer> <sub>}, named {@code name}, on {@code
   * tier}), or finds the one another call or instance made meanwhile: the subject is unique. Made
   * on a token's first call ({@code announce} false) it is audited without moving the change
   * counter, as it changes nothing any cache holds (an unknown subject is looked up again while
   * accounts are made on first use), so a stream of new subjects empties no instance's caches; made
   * by an operator ({@code announce} true) every instance drops its lookups, which may hold the
   * subject as unknown.
   */
  public Account createSubjectAccount(
      String subject, String name, String tier, String actor, boolean announce) {
    Function<EntityManager, Account> create =
        em -> {
          Account a = new Account(UUID.randomUUID(), name, tier, clock.instant());
          a.setTokenSubject(subject);
          em.persist(a);
          String detail = "tier=" + tier + " token";
          if (announce) {
            changes.changed(em, actor, "account.create", a.getId(), detail);
          } else {
            changes.audited(em, actor, "account.create", a.getId(), detail);
          }
          return a;
        };
    try {
      return announce ? changes.change(create) : db.inTransaction(create);
    } catch (RuntimeException e) {
      return accountOfSubject(subject).orElseThrow(() -> e);
    }
  }

  public Optional<Account> account(UUID id) {
    return db.inTransaction(em -> Optional.ofNullable(em.find(Account.class, id)));
  }

  /** All accounts, or only flagged ones (oldest flag first: the review queue). */
  public List<Account> accounts(boolean flaggedOnly) {
    return db.inTransaction(em ->
        flaggedOnly
            ? em.createQuery(
                    "select a from Account a where a.flaggedHighRateAt is not null"
                        + " order by a.flaggedHighRateAt",
                    Account.class)
                .getResultList()
            : em.createQuery("select a from Account a order by a.createdAt", Account.class)
                .getResultList());
  }

  /** Applies a change to an account; empty when it does not exist. */
  public Optional<Account> updateAccount(
      UUID id, Consumer<Account> change, String actor, String detail) {
    return changes.change(em -> {
      Account a = em.find(Account.class, id);
      if (a == null) {
        return Optional.<Account>empty();
      }
      change.accept(a);
      a.touch(clock.instant());
      changes.changed(em, actor, "account.update", id, detail);
      return Optional.of(a);
    });
  }

  public boolean deleteAccount(UUID id, String actor) {
    return changes.change(em -> {
      Account a = em.find(Account.class, id);
      if (a == null) {
        return false;
      }
      em.createQuery("delete from ApiKey k where k.accountId = :id")
          .setParameter("id", id)
          .executeUpdate();
      em.createNativeQuery("delete from monthly_usage where account_id = ?1")
          .setParameter(1, id)
          .executeUpdate();
      em.remove(a);
      changes.changed(em, actor, "account.delete", id, null);
      return true;
    });
  }

  /**
   * Stamps the high-rate flag if it is not set yet; true when this call set it. Audited, but not a
   * change the caches hear of: the flag is a review queue and no key resolves differently for it,
   * so no instance drops its cached keys for it.
   */
  public boolean flagHighRate(UUID id) {
    return db.inTransaction(em -> {
      int n =
          em.createQuery(
                  "update Account a set a.flaggedHighRateAt = :now"
                      + " where a.id = :id and a.flaggedHighRateAt is null")
              .setParameter("now", clock.instant())
              .setParameter("id", id)
              .executeUpdate();
      if (n > 0) {
        changes.audited(em, "ratewatch", "account.flag", id, null);
      }
      return n > 0;
    });
  }

  public CreatedKey createKey(UUID accountId, String label, String actor) {
    return keys.createKey(accountId, label, actor);
  }

  public Optional<ApiKey> keyByHash(String hash) {
    return keys.keyByHash(hash);
  }

  public List<ApiKey> keysOf(UUID accountId) {
    return keys.keysOf(accountId);
  }

  /** Every key that is not revoked, grouped by account (what the console lists, prefixes only). */
  public Map<UUID, List<ApiKey>> activeKeysByAccount() {
    return keys.activeKeysByAccount();
  }

  /**
   * Changes a key's allowlists, secret requirement or secret (a change field left null keeps its
   * value); empty when the key does not exist. Every instance applies it within a second.
   *
   * @param secret a new secret's plaintext (stored only as its hash)
   */
  public Optional<ApiKey> restrictKey(
      UUID keyId, Allowlists allowlists, Boolean secretRequired, String secret, String actor) {
    return keys.restrictKey(keyId, allowlists, secretRequired, secret, actor);
  }

  /** Revokes a key; false when it does not exist. Revoking twice keeps the first time. */
  public boolean revokeKey(UUID keyId, String actor) {
    return keys.revokeKey(keyId, actor);
  }

  /** Records when keys were last used, batched by the caller; not an admin change. */
  public void touchKeys(List<UUID> keyIds, Instant at) {
    keys.touchKeys(keyIds, at);
  }

  public BlockedAddress block(String cidr, String reason, Instant expiresAt, String actor) {
    return blocked.block(cidr, reason, expiresAt, actor);
  }

  public List<BlockedAddress> blocklist() {
    return blocked.blocklist();
  }

  public boolean unblock(UUID id, String actor) {
    return blocked.unblock(id, actor);
  }

  /**
   * Adds usage on one network to this month's rows: the account's total (what its quota is checked
   * against) and its share on that network, in one transaction.
   */
  public void addUsage(
      UUID accountId, String network, long computeUnits, long requests, long refusals) {
    usage.addUsage(accountId, network, computeUnits, requests, refusals);
  }

  /** Adds a key's calls of one method on one network on one day to its {@code usage_daily} row. */
  public void addDaily(
      DailyUsage.Key key, long requests, long computeUnits, long refusals, long errors) {
    usage.addDaily(key, requests, computeUnits, refusals, errors);
  }

  /**
   * Daily usage from {@code from} to {@code to} (both included), of one account and key when given
   * (null: every one), summed by {@code day}, {@code method}, {@code network} or {@code key}.
   */
  public List<DailyUsage> dailyUsage(
      UUID accountId, UUID keyId, LocalDate from, LocalDate to, String by) {
    return usage.daily(accountId, keyId, from, to, by);
  }

  /** The keys that used the most from {@code from} on, by compute units or requests. */
  public List<DailyUsage> topUsage(LocalDate from, boolean byComputeUnits, int limit) {
    return usage.top(from, byComputeUnits, limit);
  }

  /** Every {@code usage_daily} row of the days from {@code from} to {@code to}, in order. */
  public List<DailyUsage.Row> usageRows(LocalDate from, LocalDate to) {
    return usage.rows(from, to);
  }

  /** This month's usage of the account on each network it used, by network name. */
  public Map<String, Usage> usageByNetwork(UUID accountId) {
    return usage.usageByNetwork(accountId);
  }

  public Usage usage(UUID accountId) {
    return usage.usage(accountId);
  }

  public List<AuditRecord> audit(int max) {
    return changes.recent(max);
  }

  /** The change counter: moves whenever an admin change commits. */
  public long changeSeq() {
    return changes.seq();
  }
}
