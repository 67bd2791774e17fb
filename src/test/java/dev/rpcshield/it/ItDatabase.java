package dev.rpcshield.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the PostgreSQL database the test gateways share afresh (run by the build before the
 * server starts; the gateway applies its own schema on start), so every run starts from an empty
 * schema as on a new machine, whatever an earlier run of another branch migrated it to.
 */
public final class ItDatabase {
  private ItDatabase() {}

  public static void main(String[] args) throws SQLException {
    String name = args.length > 0 ? args[0] : "rpcshield_it";
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + name);
    }
  }
}
