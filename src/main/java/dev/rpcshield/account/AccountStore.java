package dev.rpcshield.account;

import dev.rpcshield.allowlist.Allowlists;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Accounts, keys, blocklist, usage and audit on the account database. Every change an admin makes
 * is audited and bumps the change counter that every instance polls to refresh its caches; the
 * instance that made it is told as soon as it commits.
 */
public final class AccountStore {
  private final Database db;
  private final Clock clock;
  private final Runnable committed;

  /**
   * @param committed runs on the caller's thread after each change commits, before the change
   *     method returns
   */
  public AccountStore(Database db, Clock clock, Runnable committed) {
    this.db = db;
    this.clock = clock;
    this.committed = committed;
  }

  /** A key just created: the plaintext is returned this once and never stored. */
  public record CreatedKey(ApiKey key, String plaintext) {}

  /** This month's usage of an account. */
  public record Usage(String period, long computeUnits, long requests, long refusals) {}

  public Account createAccount(String name, String tier, String actor) {
    return change(em -> {
      Account a = new Account(UUID.randomUUID(), name, tier, clock.instant());
      em.persist(a);
      changed(em, actor, "account.create", a.getId(), "tier=" + tier);
      return a;
    });
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
    return change(em -> {
      Account a = em.find(Account.class, id);
      if (a == null) {
        return Optional.<Account>empty();
      }
      change.accept(a);
      a.touch(clock.instant());
      changed(em, actor, "account.update", id, detail);
      return Optional.of(a);
    });
  }

  public boolean deleteAccount(UUID id, String actor) {
    return change(em -> {
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
      changed(em, actor, "account.delete", id, null);
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
        audited(em, "ratewatch", "account.flag", id, null);
      }
      return n > 0;
    });
  }

  public CreatedKey createKey(UUID accountId, String label, String actor) {
    return change(em -> {
      if (em.find(Account.class, accountId) == null) {
        throw new IllegalArgumentException("account " + accountId + " does not exist");
      }
      String plaintext = ApiKeys.generate();
      ApiKey key =
          new ApiKey(
              UUID.randomUUID(),
              accountId,
              label,
              ApiKeys.hash(plaintext),
              ApiKeys.visiblePrefix(plaintext),
              clock.instant());
      em.persist(key);
      changed(em, actor, "key.create", accountId, "key=" + key.getId());
      return new CreatedKey(key, plaintext);
    });
  }

  public Optional<ApiKey> keyByHash(String hash) {
    return db.inTransaction(em ->
        em.createQuery("select k from ApiKey k where k.keyHash = :h", ApiKey.class)
            .setParameter("h", hash)
            .getResultStream()
            .findFirst());
  }

  public List<ApiKey> keysOf(UUID accountId) {
    return db.inTransaction(em ->
        em.createQuery(
                "select k from ApiKey k where k.accountId = :a order by k.createdAt", ApiKey.class)
            .setParameter("a", accountId)
            .getResultList());
  }

  /** Every key that is not revoked, grouped by account (what the console lists, prefixes only). */
  public Map<UUID, List<ApiKey>> activeKeysByAccount() {
    List<ApiKey> keys =
        db.inTransaction(em ->
            em.createQuery(
                    "select k from ApiKey k where k.revokedAt is null order by k.createdAt",
                    ApiKey.class)
                .getResultList());
    Map<UUID, List<ApiKey>> out = new HashMap<>();
    for (ApiKey k : keys) {
      out.computeIfAbsent(k.getAccountId(), a -> new ArrayList<>()).add(k);
    }
    return out;
  }

  /**
   * Changes a key's allowlists, secret requirement or secret (a change field left null keeps its
   * value); empty when the key does not exist. Every instance applies it within a second.
   *
   * @param secret a new secret's plaintext (stored only as its hash)
   */
  public Optional<ApiKey> restrictKey(
      UUID keyId, Allowlists allowlists, Boolean secretRequired, String secret, String actor) {
    return change(em -> {
      ApiKey k = em.find(ApiKey.class, keyId);
      if (k == null) {
        return Optional.<ApiKey>empty();
      }
      if (allowlists != null) {
        k.setAllowlists(allowlists);
      }
      if (secret != null) {
        k.setSecretHash(ApiKeys.hash(secret));
      }
      if (secretRequired != null) {
        if (secretRequired && k.getSecretHash() == null) {
          throw new IllegalArgumentException("a key needs a secret before it can require it");
        }
        k.setSecretRequired(secretRequired);
      }
      changed(
          em,
          actor,
          "key.restrict",
          k.getAccountId(),
          "key=" + keyId + (secret != null ? " new secret" : ""));
      return Optional.of(k);
    });
  }

  /** Revokes a key; false when it does not exist. Revoking twice keeps the first time. */
  public boolean revokeKey(UUID keyId, String actor) {
    return change(em -> {
      ApiKey k = em.find(ApiKey.class, keyId);
      if (k == null) {
        return false;
      }
      if (k.getRevokedAt() == null) {
        k.setRevokedAt(clock.instant());
      }
      changed(em, actor, "key.revoke", k.getAccountId(), "key=" + keyId);
      return true;
    });
  }

  /** Records when keys were last used, batched by the caller; not an admin change. */
  public void touchKeys(List<UUID> keyIds, Instant at) {
    if (keyIds.isEmpty()) {
      return;
    }
    db.inTransaction(em ->
        em.createQuery("update ApiKey k set k.lastUsedAt = :at where k.id in :ids")
            .setParameter("at", at)
            .setParameter("ids", keyIds)
            .executeUpdate());
  }

  public BlockedAddress block(String cidr, String reason, Instant expiresAt, String actor) {
    return change(em -> {
      BlockedAddress b =
          new BlockedAddress(UUID.randomUUID(), cidr, reason, clock.instant(), expiresAt);
      em.persist(b);
      changed(em, actor, "blocklist.add", null, cidr);
      return b;
    });
  }

  public List<BlockedAddress> blocklist() {
    return db.inTransaction(em ->
        em.createQuery("select b from BlockedAddress b order by b.createdAt", BlockedAddress.class)
            .getResultList());
  }

  public boolean unblock(UUID id, String actor) {
    return change(em -> {
      BlockedAddress b = em.find(BlockedAddress.class, id);
      if (b == null) {
        return false;
      }
      em.remove(b);
      changed(em, actor, "blocklist.remove", null, b.getCidr());
      return true;
    });
  }

  /**
   * Adds usage on one network to this month's rows: the account's total (what its quota is checked
   * against) and its share on that network, in one transaction.
   */
  public void addUsage(
      UUID accountId, String network, long computeUnits, long requests, long refusals) {
    String period = period();
    db.inTransaction(em -> {
      add(
          em,
          "monthly_usage",
          "account_id = ?4 and period = ?5",
          List.of(accountId, period),
          "account_id, period",
          computeUnits,
          requests,
          refusals);
      add(
          em,
          "network_usage",
          "account_id = ?4 and period = ?5 and network = ?6",
          List.of(accountId, period, network),
          "account_id, period, network",
          computeUnits,
          requests,
          refusals);
      return null;
    });
  }

  /**
   * Adds the counts to the row {@code where} names (parameters ?4 on), inserting it if missing. On
   * PostgreSQL, which instances share, in one statement: two instances flushing the same new row at
   * once both add to it, neither fails on its primary key. On H2, one instance's own, the flush is
   * its only writer.
   */
  private void add(
      EntityManager em,
      String table,
      String where,
      List<Object> keys,
      String keyColumns,
      long computeUnits,
      long requests,
      long refusals) {
    StringBuilder values = new StringBuilder("?1, ?2, ?3");
    for (int i = 0; i < keys.size(); i++) {
      values.append(", ?").append(4 + i);
    }
    String insert =
        "insert into "
            + table
            + " (compute_units, requests, refusals, "
            + keyColumns
            + ") values ("
            + values
            + ")";
    if (db.postgres()) {
      counted(
              em.createNativeQuery(
                  insert
                      + " on conflict ("
                      + keyColumns
                      + ") do update set compute_units = "
                      + table
                      + ".compute_units + excluded.compute_units, requests = "
                      + table
                      + ".requests + excluded.requests, refusals = "
                      + table
                      + ".refusals + excluded.refusals"),
              keys,
              computeUnits,
              requests,
              refusals)
          .executeUpdate();
      return;
    }
    Query update =
        counted(
            em.createNativeQuery(
                "update "
                    + table
                    + " set compute_units = compute_units + ?1,"
                    + " requests = requests + ?2, refusals = refusals + ?3 where "
                    + where),
            keys,
            computeUnits,
            requests,
            refusals);
    if (update.executeUpdate() == 0) {
      counted(em.createNativeQuery(insert), keys, computeUnits, requests, refusals).executeUpdate();
    }
  }

  /** {@code q} with the counts as ?1 to ?3 and the row's keys from ?4 on. */
  private static Query counted(
      Query q, List<Object> keys, long computeUnits, long requests, long refusals) {
    q.setParameter(1, computeUnits).setParameter(2, requests).setParameter(3, refusals);
    for (int i = 0; i < keys.size(); i++) {
      q.setParameter(4 + i, keys.get(i));
    }
    return q;
  }

  /** This month's usage of the account on each network it used, by network name. */
  public Map<String, Usage> usageByNetwork(UUID accountId) {
    String period = period();
    return db.inTransaction(em -> {
      Map<String, Usage> out = new TreeMap<>();
      for (Object row :
          em.createNativeQuery(
                  "select network, compute_units, requests, refusals from network_usage"
                      + " where account_id = ?1 and period = ?2")
              .setParameter(1, accountId)
              .setParameter(2, period)
              .getResultList()) {
        Object[] r = (Object[]) row;
        out.put(
            (String) r[0],
            new Usage(
                period,
                ((Number) r[1]).longValue(),
                ((Number) r[2]).longValue(),
                ((Number) r[3]).longValue()));
      }
      return out;
    });
  }

  public Usage usage(UUID accountId) {
    String period = period();
    return db.inTransaction(em -> {
      List<?> rows =
          em.createNativeQuery(
                  "select compute_units, requests, refusals from monthly_usage"
                      + " where account_id = ?1 and period = ?2")
              .setParameter(1, accountId)
              .setParameter(2, period)
              .getResultList();
      if (rows.isEmpty()) {
        return new Usage(period, 0, 0, 0);
      }
      Object[] r = (Object[]) rows.get(0);
      return new Usage(
          period,
          ((Number) r[0]).longValue(),
          ((Number) r[1]).longValue(),
          ((Number) r[2]).longValue());
    });
  }

  public List<AuditRecord> audit(int max) {
    return db.inTransaction(em ->
        em.createQuery("select r from AuditRecord r order by r.at desc", AuditRecord.class)
            .setMaxResults(max)
            .getResultList());
  }

  /** The change counter: moves whenever an admin change commits. */
  public long changeSeq() {
    return db.inTransaction(em ->
        ((Number) em.createNativeQuery("select seq from change_seq where id = 1").getSingleResult())
            .longValue());
  }

  private String period() {
    return YearMonth.now(clock.withZone(ZoneOffset.UTC)).toString();
  }

  /** Runs an admin change in one transaction, then tells this instance it has committed. */
  private <T> T change(Function<EntityManager, T> work) {
    T result = db.inTransaction(work);
    committed.run();
    return result;
  }

  private void changed(EntityManager em, String actor, String action, UUID target, String detail) {
    audited(em, actor, action, target, detail);
    em.createNativeQuery("update change_seq set seq = seq + 1 where id = 1").executeUpdate();
  }

  private void audited(EntityManager em, String actor, String action, UUID target, String detail) {
    em.persist(
        new AuditRecord(
            actor, action, target == null ? null : target.toString(), detail, clock.instant()));
  }
}
