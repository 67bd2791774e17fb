package dev.rpcshield.limit;

import java.time.Duration;

/**
 * Counts long-lived connections per identity with expiring leases: a connection holds a lease that
 * it renews while open, so slots held by a crashed instance come back by themselves when the lease
 * expires.
 */
public interface ConnectionLeases {

  /** Takes a slot for {@code lease} under {@code key} if fewer than {@code cap} are live. */
  boolean acquire(String key, String lease, int cap, Duration ttl);

  /** Extends a held lease. */
  void renew(String key, String lease, Duration ttl);

  /** Gives a slot back. */
  void release(String key, String lease);
}
