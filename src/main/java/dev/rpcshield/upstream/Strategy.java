package dev.rpcshield.upstream;

import java.util.Locale;

/**
 * How a group orders its upstreams for each request; the rest of the order is the failover path.
 */
public enum Strategy {
  /** Always the configured order: the first healthy upstream takes everything. */
  FAILOVER,
  /** Start at a random upstream chosen in proportion to its weight. */
  WEIGHTED,
  /** Start at the next upstream in turn. */
  ROUND_ROBIN;

  public static Strategy parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown strategy '" + text + "' (failover, weighted, round-robin)", e);
    }
  }
}
