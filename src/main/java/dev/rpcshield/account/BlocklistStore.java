package dev.rpcshield.account;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Blocked addresses on the account database: added and removed as audited admin changes, which
 * every instance's key directory reloads.
 */
final class BlocklistStore {
  private final Database db;
  private final Clock clock;
  private final ChangeLog changes;

  BlocklistStore(Database db, Clock clock, ChangeLog changes) {
    this.db = db;
    this.clock = clock;
    this.changes = changes;
  }

  BlockedAddress block(String cidr, String reason, Instant expiresAt, String actor) {
    return changes.change(em -> {
      BlockedAddress b =
          new BlockedAddress(UUID.randomUUID(), cidr, reason, clock.instant(), expiresAt);
      em.persist(b);
      changes.changed(em, actor, "blocklist.add", null, cidr);
      return b;
    });
  }

  List<BlockedAddress> blocklist() {
    return db.inTransaction(em ->
        em.createQuery("select b from BlockedAddress b order by b.createdAt", BlockedAddress.class)
            .getResultList());
  }

  boolean unblock(UUID id, String actor) {
    return changes.change(em -> {
      BlockedAddress b = em.find(BlockedAddress.class, id);
      if (b == null) {
        return false;
      }
      em.remove(b);
      changes.changed(em, actor, "blocklist.remove", null, b.getCidr());
      return true;
    });
  }
}
