package dev.rpcshield.account;

import java.time.LocalDate;
import java.util.UUID;

/**
 * Usage summed over some of the days of {@code usage_daily}, named by what it was summed by (a day,
 * a method, a network, a key).
 */
public record DailyUsage(
    String name, long requests, long computeUnits, long refusals, long errors) {

  /** One row of {@code usage_daily}: a key's calls of one method on one network on one day. */
  public record Key(LocalDate day, UUID accountId, UUID keyId, String network, String method) {}

  /** A row as a bill lists it. */
  public record Row(
      String day,
      String accountId,
      String keyId,
      String network,
      String method,
      DailyUsage usage) {}

  /** The key id counted for an account's calls made without a key of its own. */
  public static final UUID NO_KEY = new UUID(0, 0);

  /** The four sums of a result row from column {@code first} on. */
  static DailyUsage of(String name, Object[] r, int first) {
    return new DailyUsage(
        name,
        ((Number) r[first]).longValue(),
        ((Number) r[first + 1]).longValue(),
        ((Number) r[first + 2]).longValue(),
        ((Number) r[first + 3]).longValue());
  }
}
