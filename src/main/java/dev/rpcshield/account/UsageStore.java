package dev.rpcshield.account;

import dev.rpcshield.account.AccountStore.Usage;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Monthly usage on the account database: per account (what a quota is checked against) and per
 * account and network, in rows of the month the clock reads in UTC, which every instance adds its
 * counts to.
 */
final class UsageStore {
  private final Database db;
  private final Clock clock;

  UsageStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  void addUsage(UUID accountId, String network, long computeUnits, long requests, long refusals) {
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

  Map<String, Usage> usageByNetwork(UUID accountId) {
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

  Usage usage(UUID accountId) {
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

  private String period() {
    return YearMonth.now(clock.withZone(ZoneOffset.UTC)).toString();
  }
}
