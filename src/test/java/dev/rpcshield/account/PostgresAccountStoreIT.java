package dev.rpcshield.account;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
}
