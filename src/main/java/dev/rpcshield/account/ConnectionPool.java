package dev.rpcshield.account;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.rpcshield.config.Settings;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ServiceLoader;

/**
 * The account database's connections: a pool the gateway opens itself at start, with the driver
 * (from the server's {@code lib/jdbc}, Liberty's global library) that accepts the URL. Not a
 * Liberty dataSource: Liberty re-creates one whose server.xml variables a configDropin changes and
 * restarts every application using it, so a database setting could stop the gateway.
 */
final class ConnectionPool {
  /** Connections at most, for everything but the change poll. */
  static final int MAX_CONNECTIONS = 20;

  /**
   * How long a caller waits for a connection: for a free one, and also while none can be made (the
   * pool does not fail at once when the database refuses), which holds up the usage flush and its
   * retries, so it is short.
   */
  static final Duration WAIT = Duration.ofSeconds(1);

  private ConnectionPool() {}

  /**
   * Opens the pool with one connection made, so an unreachable database or a wrong password fails
   * the start.
   *
   * @throws IllegalArgumentException when no URL is set or no driver accepts it
   */
  static HikariDataSource open(DatabaseConfig db) {
    return open(db, "rpcshield-db", MAX_CONNECTIONS);
  }

  /**
   * Opens the change poll's own pool of one connection, beside the main one: key lookups that wait
   * on a slow database can take every connection of the main pool, and the poll must still read the
   * change counter (a revoke elsewhere) within its second.
   *
   * @throws IllegalArgumentException when no URL is set or no driver accepts it
   */
  static HikariDataSource openForChanges(DatabaseConfig db) {
    return open(db, "rpcshield-db-changes", 1);
  }

  private static HikariDataSource open(DatabaseConfig db, String name, int connections) {
    if (db.url() == null) {
      throw new IllegalArgumentException("configuration rpcshield.db.url is not set");
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(db.url());
    config.setDriverClassName(driverFor(db.url()).getClass().getName());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(connections);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(WAIT.toMillis());
    return new HikariDataSource(config);
  }

  private static Driver driverFor(String url) {
    for (Driver d : ServiceLoader.load(Driver.class, ConnectionPool.class.getClassLoader())) {
      try {
        if (d.acceptsURL(url)) {
          return d;
        }
      } catch (SQLException e) {
        // a driver that cannot tell does not take the URL
      }
    }
    throw Settings.invalid(
        "rpcshield.db.url", url, "a JDBC URL of PostgreSQL (jdbc:postgresql:) or H2 (jdbc:h2:)");
  }
}
