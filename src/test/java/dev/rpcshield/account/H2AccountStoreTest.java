package dev.rpcshield.account;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store on the embedded database the gateway uses when no PostgreSQL is configured. */
class H2AccountStoreTest extends AccountStoreContract {
  private static Database db;

  @BeforeAll
  static void open() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:accounts;DB_CLOSE_DELAY=-1");
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
}
