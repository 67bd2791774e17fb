package dev.rpcshield.ratewatch;

import java.time.Duration;

/**
 * When an account is flagged as high-rate: {@code threshold} refusals within {@code window}. The
 * stores ask for it at every count, so a reconfigured rule applies at once.
 */
public record FlagRule(long threshold, Duration window) {
  public FlagRule {
    if (threshold < 1 || window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException(
          "rpcshield.ratewatch.flag-threshold and flag-window must both be positive");
    }
  }
}
