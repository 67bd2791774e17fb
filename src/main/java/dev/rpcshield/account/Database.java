package dev.rpcshield.account;

import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.function.Function;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.hibernate.QueryTimeoutException;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.TransactionException;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.hibernate.dialect.PostgreSQLDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;

/**
 * The account database: applies the versioned scripts in {@code sql/} (Flyway; on Liberty it finds
 * its locations through empty marker files {@code db/migration/flyway.location} and {@code
 * db/callback/flyway.location}) and then builds Hibernate over the same DataSource, validating the
 * mapping against the schema (never generating it). Works on PostgreSQL and the embedded H2
 * database alike. Views of it ({@link #over}, {@link #bounded}) share the mapping and take other
 * connections or bound their statements' time.
 */
public final class Database implements AutoCloseable {
  private final SessionFactory emf;

  /** Where a view's sessions take their connections; null: the DataSource it was built over. */
  private final DataSource connections;

  /** How long a view's transaction may run its statements, whole seconds; 0: no bound. */
  private final int timeoutSeconds;

  private final boolean owner;

  private final boolean postgres;

  public Database(DataSource dataSource) {
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    Configuration cfg =
        new Configuration()
            .addAnnotatedClass(Account.class)
            .addAnnotatedClass(ApiKey.class)
            .addAnnotatedClass(BlockedAddress.class)
            .addAnnotatedClass(AuditRecord.class);
    cfg.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource);
    cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, "validate");
    cfg.setProperty(AvailableSettings.XML_MAPPING_ENABLED, "false");
    cfg.setProperty("hibernate.enhancer.enableDirtyTracking", "false");
    cfg.setProperty("hibernate.enhancer.enableLazyInitialization", "false");
    this.emf = cfg.buildSessionFactory();
    this.connections = null;
    this.timeoutSeconds = 0;
    this.owner = true;
    this.postgres =
        emf.unwrap(SessionFactoryImplementor.class).getJdbcServices().getDialect()
            instanceof PostgreSQLDialect;
  }

  private Database(Database of, DataSource connections, int timeoutSeconds) {
    this.emf = of.emf;
    this.connections = connections;
    this.timeoutSeconds = timeoutSeconds;
    this.owner = false;
    this.postgres = of.postgres;
  }

  /** Whether this is PostgreSQL (shared by instances, with INSERT ... ON CONFLICT), not H2. */
  boolean postgres() {
    return postgres;
  }

  /**
   * This database on other connections (of the same database): work through the view never waits
   * for a connection of this one's pool. Closing the view closes nothing.
   */
  public Database over(DataSource connections) {
    return new Database(this, connections, timeoutSeconds);
  }

  /**
   * This database with each transaction bounded to {@code timeout} (at least 2 s; Hibernate's
   * transaction timeout): each statement may run for what remains of it, in whole seconds rounded
   * down, and the driver cancels one that runs longer, one waiting on a lock too, so a slow
   * database gives the connection back; a statement with less than a second left fails at once. A
   * transaction that runs out fails as {@link DatabaseUnavailableException}. Closing the view
   * closes nothing.
   *
   * @throws IllegalArgumentException for a timeout under 2 s, which would leave no statement a
   *     whole second
   */
  public Database bounded(Duration timeout) {
    if (timeout.toMillis() < 2000) {
      throw new IllegalArgumentException("a transaction's bound is 2 s at least: " + timeout);
    }
    int seconds = (int) ((timeout.toMillis() + 999) / 1000);
    return new Database(this, connections, seconds);
  }

  /**
   * Runs {@code work} in one transaction, rolled back if it throws.
   *
   * @throws DatabaseUnavailableException when the failure is the connection's, not the work's, or
   *     the transaction ran out of its bound
   */
  public <T> T inTransaction(Function<EntityManager, T> work) {
    if (connections == null) {
      return inTransaction((Session) emf.createEntityManager(), work);
    }
    try (Connection c = connections.getConnection()) {
      return inTransaction(emf.withOptions().connection(c).openSession(), work);
    } catch (SQLException e) {
      throw new DatabaseUnavailableException(e);
    }
  }

  private <T> T inTransaction(Session em, Function<EntityManager, T> work) {
    try {
      if (timeoutSeconds > 0) {
        em.getTransaction().setTimeout(timeoutSeconds);
      }
      em.getTransaction().begin();
      T result = work.apply(em);
      em.getTransaction().commit();
      return result;
    } catch (RuntimeException e) {
      try {
        if (em.getTransaction().isActive()) {
          em.getTransaction().rollback();
        }
      } catch (RuntimeException rollback) {
        e.addSuppressed(rollback);
      }
      throw unreachable(e) || timeoutSeconds > 0 && timedOut(e)
          ? new DatabaseUnavailableException(e)
          : e;
    } finally {
      em.close();
    }
  }

  /**
   * Whether {@code e} says the database could not be reached: an SQL state of class 08 (connection
   * exception) or 57P (the server shutting down or still starting: 57P01-57P03), or a transient SQL
   * exception (the pool's wait timing out), anywhere in its causes.
   */
  static boolean unreachable(Throwable e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth++ < 32; t = t.getCause()) {
      if (t instanceof SQLTransientException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLException sql
              && sql.getSQLState() != null
              && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code e} says a statement ran out of its transaction's bound: a query timeout (SQL
   * state 57014, a statement cancelled, as PostgreSQL and H2 report it) or the bound spent before a
   * statement started, anywhere in its causes.
   */
  static boolean timedOut(Throwable e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth++ < 32; t = t.getCause()) {
      if (t instanceof QueryTimeoutException
          || t instanceof jakarta.persistence.QueryTimeoutException
          || t instanceof TransactionException
          || t instanceof SQLException sql && "57014".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** Closes the mapping, when this is the database itself and not a view of it. */
  @Override
  public void close() {
    if (owner) {
      emf.close();
    }
  }
}
