package dev.rpcshield.account;

import dev.rpcshield.testing.InMemoryDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store on the embedded database the gateway uses when no PostgreSQL is configured. */
class H2AccountStoreTest extends AccountStoreContract {
  private static Database db;

  @BeforeAll
  static void open() {
    db = InMemoryDatabase.named("accounts");
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
