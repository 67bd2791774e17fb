package dev.rpcshield.account;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.PersistenceException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Which failures mean "the database cannot be reached" (503 and a retry), not a bug (500). */
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
}
