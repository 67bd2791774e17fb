package dev.rpcshield.account;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.function.Function;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

/**
 * The account database: applies the versioned scripts in {@code sql/} (Flyway; on Liberty it finds
 * its locations through empty marker files {@code db/migration/flyway.location} and {@code
 * db/callback/flyway.location}) and then builds Hibernate over the same DataSource, validating the
 * mapping against the schema (never generating it). Works on PostgreSQL and the embedded H2
 * database alike.
 */
public final class Database implements AutoCloseable {
  private final EntityManagerFactory emf;

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
  }

  /**
   * Runs {@code work} in one transaction, rolled back if it throws.
   *
   * @throws DatabaseUnavailableException when the failure is the connection's, not the work's
   */
  public <T> T inTransaction(Function<EntityManager, T> work) {
    EntityManager em = emf.createEntityManager();
    try {
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
      throw unreachable(e) ? new DatabaseUnavailableException(e) : e;
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

  @Override
  public void close() {
    emf.close();
  }
}
