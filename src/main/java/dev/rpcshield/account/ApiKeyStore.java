package dev.rpcshield.account;

import dev.rpcshield.account.AccountStore.CreatedKey;
import dev.rpcshield.allowlist.Allowlists;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * API keys on the account database: made, restricted and revoked as audited admin changes, looked
 * up by hash, and stamped with their last use. Only a key's hash is stored, never its plaintext.
 */
final class ApiKeyStore {
  private final Database db;
  private final Clock clock;
  private final ChangeLog changes;

  ApiKeyStore(Database db, Clock clock, ChangeLog changes) {
    this.db = db;
    this.clock = clock;
    this.changes = changes;
  }

  CreatedKey createKey(UUID accountId, String label, String actor) {
    return changes.change(em -> {
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
      changes.changed(em, actor, "key.create", accountId, "key=" + key.getId());
      return new CreatedKey(key, plaintext);
    });
  }

  Optional<ApiKey> keyByHash(String hash) {
    return db.inTransaction(em ->
        em.createQuery("select k from ApiKey k where k.keyHash = :h", ApiKey.class)
            .setParameter("h", hash)
            .getResultStream()
            .findFirst());
  }

  List<ApiKey> keysOf(UUID accountId) {
    return db.inTransaction(em ->
        em.createQuery(
                "select k from ApiKey k where k.accountId = :a order by k.createdAt", ApiKey.class)
            .setParameter("a", accountId)
            .getResultList());
  }

  Map<UUID, List<ApiKey>> activeKeysByAccount() {
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

  Optional<ApiKey> restrictKey(
      UUID keyId, Allowlists allowlists, Boolean secretRequired, String secret, String actor) {
    return changes.change(em -> {
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
      changes.changed(
          em,
          actor,
          "key.restrict",
          k.getAccountId(),
          "key=" + keyId + (secret != null ? " new secret" : ""));
      return Optional.of(k);
    });
  }

  boolean revokeKey(UUID keyId, String actor) {
    return changes.change(em -> {
      ApiKey k = em.find(ApiKey.class, keyId);
      if (k == null) {
        return false;
      }
      if (k.getRevokedAt() == null) {
        k.setRevokedAt(clock.instant());
      }
      changes.changed(em, actor, "key.revoke", k.getAccountId(), "key=" + keyId);
      return true;
    });
  }

  void touchKeys(List<UUID> keyIds, Instant at) {
    if (keyIds.isEmpty()) {
      return;
    }
    db.inTransaction(em ->
        em.createQuery("update ApiKey k set k.lastUsedAt = :at where k.id in :ids")
            .setParameter("at", at)
            .setParameter("ids", keyIds)
            .executeUpdate());
  }
}
