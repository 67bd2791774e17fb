package dev.rpcshield.ratewatch;

import java.util.UUID;

/**
 * Where ratewatch stamps an account's high-rate flag: the account database, behind this port so
 * ratewatch does not depend on the account store.
 */
@FunctionalInterface
public interface HighRateFlags {

  /** Stamps the flag unless it is set already; whether this call set it. */
  boolean flag(UUID account);
}
