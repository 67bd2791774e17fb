package dev.rpcshield.account;

/**
 * The account database cannot be reached (connection refused or lost, pool exhausted, a lookup past
 * its time limit). Callers answer 503 and try again later; the cause is for the log only, never for
 * a client: it names hosts, ports and drivers.
 */
public final class DatabaseUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Seconds a caller is told to wait ({@code Retry-After}) before it tries again. */
  public static final long RETRY_AFTER_SECONDS = 5;

  public DatabaseUnavailableException(Throwable cause) {
    super("the account database is unavailable", cause);
  }
}
