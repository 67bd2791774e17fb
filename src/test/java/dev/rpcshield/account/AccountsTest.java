package dev.rpcshield.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rpcshield.config.Current;
import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.MapConfig;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The account side's start: one that fails part way leaves nothing open behind it. */
class AccountsTest {
  private static final String URL = "jdbc:h2:mem:accountsstart;DB_CLOSE_DELAY=-1";

  /**
   * The key directory's first read fails (the change counter's row is missing) after the pools have
   * opened their connections: the start fails, and every connection it opened is closed.
   */
  @Test
  void aStartThatFailsAfterThePoolsOpenedClosesThem() throws SQLException {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(URL);
    ds.setUser("sa");
    new Database(ds).close();
    try (Connection own = ds.getConnection();
        Statement s = own.createStatement()) {
      s.execute("delete from change_seq");
      Accounts accounts = new Accounts();
      accounts.config =
          Current.of(
              new AccountsConfig(
                  new Tiers(new Settings(new MapConfig(Map.of()))),
                  10,
                  Duration.ofSeconds(5),
                  new DatabaseConfig(URL, "sa", "")));
      accounts.clock = Clock.systemUTC();
      accounts.calls = new DatabaseCalls();
      assertThrows(PersistenceException.class, accounts::start);
      try (ResultSet r = s.executeQuery("select count(*) from information_schema.sessions")) {
        r.next();
        assertEquals(1, r.getInt(1), "only this test's own connection is open");
      }
    }
  }
}
