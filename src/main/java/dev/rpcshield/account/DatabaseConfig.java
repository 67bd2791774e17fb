package dev.rpcshield.account;

import dev.rpcshield.config.Masking;
import dev.rpcshield.config.Settings;

/**
 * Where the account database is. Read at start only: the pool is opened with these values, and a
 * changed value waits for a restart (reported as such) instead of being applied.
 *
 * @param url the JDBC URL; server.xml's default is an embedded H2 file database in the server's
 *     output directory; null when nothing sets one
 * @param user the database user (default none)
 * @param password the user's password (default none)
 */
public record DatabaseConfig(String url, String user, String password) {

  public static DatabaseConfig read(Settings s) {
    return new DatabaseConfig(
        s.optional("rpcshield.db.url").orElse(null),
        s.string("rpcshield.db.user", ""),
        s.string("rpcshield.db.password", ""));
  }

  /** As operators may see it: no password, and the URL masked. */
  @Override
  public String toString() {
    return "DatabaseConfig[url="
        + (url == null ? null : Masking.echoed("rpcshield.db.url", url))
        + ", user="
        + user
        + ", password="
        + Masking.echoed("rpcshield.db.password", password)
        + "]";
  }
}
