package dev.rpcshield.admin;

import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What an operator's token lets it do, each role everything the one before it may: {@code viewer}
 * reads, {@code operator} also holds and releases upstreams, keeps the blocklist and the keys
 * (make, restrict, give a secret, revoke) and clears high-rate flags, {@code admin} also makes,
 * changes and deletes accounts (their tiers and limits) and reloads the configuration.
 */
public enum AdminRole {
  VIEWER,
  OPERATOR,
  ADMIN;

  private static final Pattern OPERATIONS =
      Pattern.compile(
          "upstreams/[^/]+/(hold|release)"
              + "|blocklist(/[^/]+)?"
              + "|keys/[^/]+(/secret)?"
              + "|accounts/[^/]+/(keys|high-rate-flag)");

  /** The role a call needs: its method and its path under {@code /admin/api/}. */
  public static AdminRole needed(String method, String path) {
    String p = path.replaceAll("^/+|/+$", "");
    if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
      return VIEWER;
    }
    return OPERATIONS.matcher(p).matches() ? OPERATOR : ADMIN;
  }

  /**
   * The highest role {@code held} holds, asked by name ({@code viewer}, {@code operator}, {@code
   * admin}: a request's {@code isUserInRole}); null when it holds none.
   */
  public static AdminRole highest(Predicate<String> held) {
    AdminRole best = null;
    for (AdminRole r : values()) {
      if (held.test(r.label())) {
        best = r;
      }
    }
    return best;
  }

  public boolean covers(AdminRole needed) {
    return compareTo(needed) >= 0;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
