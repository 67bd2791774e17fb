package dev.rpcshield.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.InMemoryDatabase;
import jakarta.persistence.PersistenceException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Which failures mean "the database cannot be reached" (503 and a retry), not a bug (500), and how
 * a bounded view ends a statement that runs too long.
 */
class DatabaseTest {

  private static RuntimeException wrapped(SQLException cause) {
    return new PersistenceException("could not execute query", cause);
  }

  @Test
  void connectionFailuresAndAServerGoingDownOrStartingAreOutages() {
    assertTrue(Database.unreachable(wrapped(new SQLException("refused", "08001"))));
    assertTrue(
        Database.unreachable(
            wrapped(
                new SQLException("An I/O error occurred while sending to the backend", "08006"))));
    assertTrue(
        Database.unreachable(
            wrapped(
                new SQLException("terminating connection due to administrator command", "57P01"))));
    assertTrue(
        Database.unreachable(
            wrapped(new SQLException("the database system is starting up", "57P03"))));
    assertTrue(Database.unreachable(wrapped(new SQLTransientConnectionException("pool wait"))));
  }

  @Test
  void errorsOfTheQueryItselfAreNot() {
    assertFalse(Database.unreachable(wrapped(new SQLException("syntax error", "42601"))));
    assertFalse(Database.unreachable(wrapped(new SQLException("query canceled", "57014"))));
    assertFalse(Database.unreachable(new IllegalStateException("no cause")));
  }

  /**
   * A statement that would run far longer than its transaction's bound (a slow database) is
   * cancelled by the driver, gives its connection back, and reads as an outage (503), not a bug.
   */
  @Test
  void aBoundedTransactionsLongStatementIsCancelledAsAnOutage() {
    try (Database db = InMemoryDatabase.named("bounded")) {
      Database bounded = db.bounded(Duration.ofSeconds(2));
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () ->
              assertThrows(
                  DatabaseUnavailableException.class,
                  () ->
                      bounded.inTransaction(em ->
                          em.createNativeQuery(
                                  "select sum(x) from system_range(1, 100000000000000)")
                              .getSingleResult())));
      assertEquals(
          1,
          ((Number) bounded.inTransaction(em -> em.createNativeQuery("select 1").getSingleResult()))
              .intValue(),
          "a statement within the bound runs");
    }
  }

  @Test
  void aBoundLeavingNoStatementAWholeSecondIsRefused() {
    try (Database db = InMemoryDatabase.named("bounded")) {
      assertThrows(IllegalArgumentException.class, () -> db.bounded(Duration.ofMillis(1999)));
    }
  }
}
