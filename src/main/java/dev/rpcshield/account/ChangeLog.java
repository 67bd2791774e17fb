package dev.rpcshield.account;

import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The audit trail and the change counter of the account database: every admin change is audited and
 * bumps the counter that every instance polls to refresh its caches, and the instance that made it
 * is told as soon as it commits.
 */
final class ChangeLog {
  private final Database db;
  private final Clock clock;
  private final Runnable committed;

  /**
   * @param committed runs on the caller's thread after each change commits, before {@link #change}
   *     returns
   */
  ChangeLog(Database db, Clock clock, Runnable committed) {
    this.db = db;
    this.clock = clock;
    this.committed = committed;
  }

  /** Runs an admin change in one transaction, then tells this instance it has committed. */
  <T> T change(Function<EntityManager, T> work) {
    T result = db.inTransaction(work);
    committed.run();
    return result;
  }

  /** Audits a change in {@code em}'s transaction and moves the counter with it. */
  void changed(EntityManager em, String actor, String action, UUID target, String detail) {
    audited(em, actor, action, target, detail);
    em.createNativeQuery("update change_seq set seq = seq + 1 where id = 1").executeUpdate();
  }

  /** Audits what no cache needs to hear of: the counter stays. */
  void audited(EntityManager em, String actor, String action, UUID target, String detail) {
    em.persist(
        new AuditRecord(
            actor, action, target == null ? null : target.toString(), detail, clock.instant()));
  }

  /** The change counter: moves whenever an admin change commits. */
  long seq() {
    return db.inTransaction(em ->
        ((Number) em.createNativeQuery("select seq from change_seq where id = 1").getSingleResult())
            .longValue());
  }

  /** The latest {@code max} audit records, newest first. */
  List<AuditRecord> recent(int max) {
    return db.inTransaction(em ->
        em.createQuery("select r from AuditRecord r order by r.at desc", AuditRecord.class)
            .setMaxResults(max)
            .getResultList());
  }
}
