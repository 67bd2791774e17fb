package dev.rpcshield.testing;

import dev.rpcshield.account.Database;
import org.h2.jdbcx.JdbcDataSource;

/** An account database in H2's memory, kept until the JVM ends, one per name. */
public final class InMemoryDatabase {
  private InMemoryDatabase() {}

  /** The database named {@code name}, its schema migrated as at start. */
  public static Database named(String name) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    return new Database(ds);
  }
}
