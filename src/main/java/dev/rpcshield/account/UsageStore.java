package dev.rpcshield.account;

import dev.rpcshield.account.AccountStore.Usage;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
    add(
        em,
        table,
        where,
        keys,
        keyColumns,
        new String[] {"compute_units", "requests", "refusals"},
        new long[] {computeUnits, requests, refusals});
  }

  /**
   * Adds {@code counts} to the {@code counters} columns of the row {@code where} names (its keys as
   * parameters after the counts'), inserting the row if missing, as the other {@code add} does.
   */
  private void add(
      EntityManager em,
      String table,
      String where,
      List<Object> keys,
      String keyColumns,
      String[] counters,
      long[] counts) {
    StringBuilder values = new StringBuilder();
    StringBuilder sums = new StringBuilder();
    StringBuilder increments = new StringBuilder();
    for (int i = 0; i < counters.length; i++) {
      String c = counters[i];
      String sep = i == 0 ? "" : ", ";
      values.append(sep).append('?').append(i + 1);
      sums.append(sep).append(c).append(" = ").append(table).append('.').append(c);
      sums.append(" + excluded.").append(c);
      increments.append(sep).append(c).append(" = ").append(c).append(" + ?").append(i + 1);
    }
    for (int i = 0; i < keys.size(); i++) {
      values.append(", ?").append(counters.length + 1 + i);
    }
    String insert =
        "insert into "
            + table
            + " ("
            + String.join(", ", counters)
            + ", "
            + keyColumns
            + ") values ("
            + values
            + ")";
    if (db.postgres()) {
      counted(
              em.createNativeQuery(
                  insert + " on conflict (" + keyColumns + ") do update set " + sums),
              keys,
              counts)
          .executeUpdate();
      return;
    }
    Query update =
        counted(
            em.createNativeQuery("update " + table + " set " + increments + " where " + where),
            keys,
            counts);
    if (update.executeUpdate() == 0) {
      counted(em.createNativeQuery(insert), keys, counts).executeUpdate();
    }
  }

  /** {@code q} with the counts as ?1 on and the row's keys after them. */
  private static Query counted(Query q, List<Object> keys, long[] counts) {
    for (int i = 0; i < counts.length; i++) {
      q.setParameter(i + 1, counts[i]);
    }
    for (int i = 0; i < keys.size(); i++) {
      q.setParameter(counts.length + 1 + i, keys.get(i));
    }
    return q;
  }

  /**
   * Adds one day's calls of a key (the all-zero id for none) on a network to that method's row:
   * calls, compute units, refusals and error answers.
   */
  void addDaily(DailyUsage.Key key, long requests, long computeUnits, long refusals, long errors) {
    db.inTransaction(em -> {
      add(
          em,
          "usage_daily",
          "account_id = ?5 and usage_day = ?6 and key_id = ?7 and network = ?8 and method = ?9",
          List.of(key.accountId(), key.day(), key.keyId(), key.network(), key.method()),
          "account_id, usage_day, key_id, network, method",
          new String[] {"requests", "compute_units", "refusals", "errors"},
          new long[] {requests, computeUnits, refusals, errors});
      return null;
    });
  }

  /**
   * Daily usage from {@code from} to {@code to} (both included), of one account and one key when
   * given (null: every one), summed by {@code by}: {@code day}, {@code method}, {@code network} or
   * {@code key}, in its order.
   */
  List<DailyUsage> daily(UUID accountId, UUID keyId, LocalDate from, LocalDate to, String by) {
    String column =
        switch (by) {
          case "day" -> "usage_day";
          case "method" -> "method";
          case "network" -> "network";
          case "key" -> "key_id";
          default -> throw new IllegalArgumentException("by " + by);
        };
    List<Object> params = new ArrayList<>(List.of(from, to));
    StringBuilder where = new StringBuilder("usage_day >= ?1 and usage_day <= ?2");
    if (accountId != null) {
      params.add(accountId);
      where.append(" and account_id = ?").append(params.size());
    }
    if (keyId != null) {
      params.add(keyId);
      where.append(" and key_id = ?").append(params.size());
    }
    return db.inTransaction(em -> {
      Query q =
          em.createNativeQuery(
              "select "
                  + column
                  + ", sum(requests), sum(compute_units), sum(refusals), sum(errors)"
                  + " from usage_daily where "
                  + where
                  + " group by "
                  + column
                  + " order by "
                  + column);
      for (int i = 0; i < params.size(); i++) {
        q.setParameter(i + 1, params.get(i));
      }
      List<DailyUsage> out = new ArrayList<>();
      for (Object row : q.getResultList()) {
        Object[] r = (Object[]) row;
        out.add(DailyUsage.of(text(r[0]), r, 1));
      }
      return out;
    });
  }

  /**
   * The keys (with their accounts) that used the most from {@code from} on, by compute units or by
   * requests, at most {@code limit}; a key is named as {@code account/key}.
   */
  List<DailyUsage> top(LocalDate from, boolean byComputeUnits, int limit) {
    String order = byComputeUnits ? "sum(compute_units)" : "sum(requests)";
    return db.inTransaction(em -> {
      List<DailyUsage> out = new ArrayList<>();
      for (Object row :
          em.createNativeQuery(
                  "select account_id, key_id, sum(requests), sum(compute_units), sum(refusals),"
                      + " sum(errors) from usage_daily where usage_day >= ?1"
                      + " group by account_id, key_id order by "
                      + order
                      + " desc, account_id, key_id")
              .setParameter(1, from)
              .setMaxResults(limit)
              .getResultList()) {
        Object[] r = (Object[]) row;
        out.add(DailyUsage.of(text(r[0]) + "/" + text(r[1]), r, 2));
      }
      return out;
    });
  }

  /**
   * Every row of the days from {@code from} to {@code to} (both included), in order of day,
   * account, key, network and method: what a month's bill is made from.
   */
  List<DailyUsage.Row> rows(LocalDate from, LocalDate to) {
    return db.inTransaction(em -> {
      List<DailyUsage.Row> out = new ArrayList<>();
      for (Object row :
          em.createNativeQuery(
                  "select usage_day, account_id, key_id, network, method, requests, compute_units,"
                      + " refusals, errors from usage_daily where usage_day >= ?1 and usage_day <= ?2"
                      + " order by usage_day, account_id, key_id, network, method")
              .setParameter(1, from)
              .setParameter(2, to)
              .getResultList()) {
        Object[] r = (Object[]) row;
        out.add(
            new DailyUsage.Row(
                text(r[0]),
                text(r[1]),
                text(r[2]),
                (String) r[3],
                (String) r[4],
                DailyUsage.of("", r, 5)));
      }
      return out;
    });
  }

  /**
   * A column's value as text: a UUID as its usual form, which H2 hands a native query as its 16
   * bytes (PostgreSQL as a UUID); a date as YYYY-MM-DD.
   */
  private static String text(Object value) {
    if (value instanceof byte[] b && b.length == 16) {
      ByteBuffer buffer = ByteBuffer.wrap(b);
      return new UUID(buffer.getLong(), buffer.getLong()).toString();
    }
    return String.valueOf(value);
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
