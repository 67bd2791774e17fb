package dev.rpcshield.account;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rpcshield.testing.Eventually;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The store on the real PostgreSQL these machines run, in a database made for the test. */
class PostgresAccountStoreIT extends AccountStoreContract {
  static final String HOST = System.getProperty("it.postgres.host", "127.0.0.1");
  private static final String NAME = "rpcshield_store_test";
  private static Database db;

  @BeforeAll
  static void open() throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://" + HOST + ":5432/postgres", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + NAME);
      s.execute("CREATE DATABASE " + NAME);
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL("jdbc:postgresql://" + HOST + ":5432/" + NAME);
    ds.setUser("postgres");
    db = new Database(ds);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Override
  Database database() {
    return db;
  }

  /**
   * Two instances flush an account's usage for a month neither has a row of yet, at once: a lock on
   * network_usage holds the first flush's new monthly row uncommitted while the second flush writes
   * the same row. Both counts are added, and neither flush fails on the primary key.
   */
  @Test
  void twoFlushesOfTheSameNewMonthAtOnceBothCount() throws Exception {
    AccountStore store = new AccountStore(db, Clock.systemUTC(), () -> {});
    Account a = store.createAccount("race", "free", "test");
    try (ExecutorService flushes = Executors.newFixedThreadPool(2)) {
      Future<?> first;
      Future<?> second;
      try (Connection lock = connect(NAME);
          Statement s = lock.createStatement()) {
        lock.setAutoCommit(false);
        s.execute("LOCK TABLE network_usage IN ACCESS EXCLUSIVE MODE");
        first = flushes.submit(() -> store.addUsage(a.getId(), "mainnet", 10, 1, 0));
        Eventually.within(Duration.ofSeconds(5), "the first flush wrote its monthly row and waits")
            .until(() -> waiting() == 1);
        second = flushes.submit(() -> store.addUsage(a.getId(), "mainnet", 5, 1, 2));
        Eventually.within(Duration.ofSeconds(5), "the second flush waits too")
            .until(() -> waiting() == 2);
        lock.rollback();
      }
      first.get(10, TimeUnit.SECONDS);
      second.get(10, TimeUnit.SECONDS);
    }
    AccountStore.Usage u = store.usage(a.getId());
    assertEquals(15, u.computeUnits());
    assertEquals(2, u.requests());
    assertEquals(2, u.refusals());
    assertEquals(15, store.usageByNetwork(a.getId()).get("mainnet").computeUnits());
  }

  private static Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://" + HOST + ":5432/" + database, "postgres", "");
  }

  /** How many statements of the test's database wait for a lock. */
  private static int waiting() throws SQLException {
    try (Connection c = connect(NAME);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select count(*) from pg_stat_activity where datname = current_database()"
                    + " and wait_event_type = 'Lock'")) {
      r.next();
      return r.getInt(1);
    }
  }
}
