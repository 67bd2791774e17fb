package dev.rpcshield.admin;

import java.math.BigDecimal;

/**
 * The limits an account's overrides set, each with the bounds an admin call must keep: a number the
 * limiter and the account database can hold as it was given, never one so large (or so small) that
 * it quietly stops limiting. docs/admin-api.md lists the same bounds.
 */
enum OverrideLimit {
  /** Requests per second: the token bucket's refill rate. */
  RPS("rps", false, "1000000"),
  /** The token bucket's size. */
  BURST("burst", true, "10000000"),
  /** Compute units per second. */
  CU_PER_SECOND("cuPerSecond", false, "100000000"),
  /** Compute units per calendar month. */
  MONTHLY_CU("monthlyCu", true, "1000000000000000"),
  /** Concurrent WebSocket connections. */
  WS_CONNECTIONS("wsConnections", true, "100000");

  /** The smallest rate above 0: one request or compute unit in about 17 minutes. */
  private static final BigDecimal SMALLEST_RATE = new BigDecimal("0.001");

  private final String field;
  private final boolean whole;
  private final BigDecimal max;

  OverrideLimit(String field, boolean whole, String max) {
    this.field = field;
    this.whole = whole;
    this.max = new BigDecimal(max);
  }

  /** Its name in an account's {@code overrides}. */
  String field() {
    return field;
  }

  /** Whether {@code value} is within the bounds. */
  boolean allows(BigDecimal value) {
    if (value.signum() == 0) {
      return true;
    }
    if (value.signum() < 0 || value.compareTo(max) > 0) {
      return false;
    }
    return whole ? value.stripTrailingZeros().scale() <= 0 : value.compareTo(SMALLEST_RATE) >= 0;
  }

  /** The bounds, as the 400 that refuses a value outside them says. */
  String rule() {
    return "overrides."
        + field
        + " must be 0 or "
        + (whole ? "a whole number from 1" : "a number from " + SMALLEST_RATE.toPlainString())
        + " to "
        + max.toPlainString();
  }
}
