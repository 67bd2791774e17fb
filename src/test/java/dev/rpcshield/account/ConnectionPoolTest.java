package dev.rpcshield.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The gateway's own pool on the embedded database, and the settings it refuses. */
class ConnectionPoolTest {

  @Test
  void theDriverThatAcceptsTheUrlServesPooledConnections() throws SQLException {
    try (HikariDataSource pool =
        ConnectionPool.open(new DatabaseConfig("jdbc:h2:mem:pool;DB_CLOSE_DELAY=-1", "sa", ""))) {
      assertEquals(ConnectionPool.MAX_CONNECTIONS, pool.getMaximumPoolSize());
      assertEquals(ConnectionPool.WAIT.toMillis(), pool.getConnectionTimeout());
      try (Connection c = pool.getConnection();
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("select 1")) {
        assertTrue(rs.next());
        assertEquals(1, rs.getInt(1));
      }
    }
  }

  @Test
  void aUrlNoDriverAcceptsIsRefusedWithItsKeyAndWithoutItsSecrets() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ConnectionPool.open(
                    new DatabaseConfig(
                        "jdbc:oracle://db.example:1521/orcl?password=orapw9", "u", "")));
    assertTrue(e.getMessage().contains("rpcshield.db.url"), e.getMessage());
    assertTrue(e.getMessage().contains("jdbc:oracle://db.example:1521/****"), e.getMessage());
    assertFalse(e.getMessage().contains("orapw9"), e.getMessage());
  }

  @Test
  void noUrlIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConnectionPool.open(new DatabaseConfig(null, "", "")));
    assertTrue(e.getMessage().contains("rpcshield.db.url"), e.getMessage());
  }

  @Test
  void theSettingsShowNoPassword() {
    String shown = new DatabaseConfig("jdbc:postgresql://db:5432/x", "gw", "pw123").toString();
    assertFalse(shown.contains("pw123"), shown);
    assertTrue(shown.contains("user=gw"), shown);
  }
}
