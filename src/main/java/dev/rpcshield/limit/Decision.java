package dev.rpcshield.limit;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * The outcome of charging one request against its rules, as a value both transports render the same
 * way (HTTP headers, WebSocket error messages).
 *
 * @param allowed whether every rule had room; if not, nothing was charged
 * @param rule the refusing rule's name, or, when allowed, the tightest rule's name (null if none)
 * @param limit that rule's capacity
 * @param remaining what is left in it after this request
 * @param retryAfterMillis how long until the request would pass (0 when allowed)
 * @param resetEpochSecond when that rule is full again (buckets) or starts over (counters)
 */
public record Decision(
    boolean allowed,
    String rule,
    long limit,
    long remaining,
    long retryAfterMillis,
    long resetEpochSecond) {

  /** No rule applied. */
  public static final Decision UNLIMITED = new Decision(true, null, 0, 0, 0, 0);

  /**
   * The refusal of a caller whose monthly compute units are used up: the quota starts over at the
   * next calendar month (UTC).
   */
  public static Decision monthlyQuotaUsedUp(long monthlyCu, Instant now) {
    long reset =
        YearMonth.from(now.atZone(ZoneOffset.UTC))
            .plusMonths(1)
            .atDay(1)
            .atStartOfDay(ZoneOffset.UTC)
            .toEpochSecond();
    return new Decision(
        false, "monthly", monthlyCu, 0, Math.max(0, reset * 1000 - now.toEpochMilli()), reset);
  }

  /** Seconds for a Retry-After header: the wait rounded up, at least 1 when refused. */
  public long retryAfterSeconds() {
    return allowed ? 0 : Math.max(1, (retryAfterMillis + 999) / 1000);
  }
}
