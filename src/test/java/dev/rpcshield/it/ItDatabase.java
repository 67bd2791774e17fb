package dev.rpcshield.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the PostgreSQL database the test gateways share afresh (run by the build before the
 * server starts; the gateway applies its own schema on start), so every run starts from an empty
 * schema as on a new machine, whatever an earlier run of another branch migrated it to; and slows
 * it down for a test by locking a table.
 */
public final class ItDatabase {
  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/rpcshield_it";

  private ItDatabase() {}

  /**
   * A table of the test gateways' database locked against every other session, as a slow database
   * would hold it: their queries on it wait until the lock is closed.
   */
  public static final class TableLock implements AutoCloseable {
    private final Connection connection;

    private TableLock(String table) throws SQLException {
      this.connection = DriverManager.getConnection(URL, "postgres", "");
      connection.setAutoCommit(false);
      try (Statement s = connection.createStatement()) {
        s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
      }
    }

    /** How many of the gateways' statements like {@code statement} (SQL ILIKE) wait for a lock. */
    public int waiting(String statement) {
      try (Connection c = DriverManager.getConnection(URL, "postgres", "");
          PreparedStatement s =
              c.prepareStatement(
                  "select count(*) from pg_stat_activity where datname = current_database()"
                      + " and wait_event_type = 'Lock' and query ilike ?")) {
        s.setString(1, statement);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getInt(1);
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Releases the table (again: nothing). */
    @Override
    public void close() throws SQLException {
      if (connection.isClosed()) {
        return;
      }
      try {
        connection.rollback();
      } finally {
        connection.close();
      }
    }
  }

  public static TableLock lock(String table) throws SQLException {
    return new TableLock(table);
  }

  public static void main(String[] args) throws SQLException {
    String name = args.length > 0 ? args[0] : "rpcshield_it";
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + name);
    }
  }
}
