package dev.rpcshield.limit;

import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Shared leases when Redis answers, this instance's own when it does not: never refuse for it. */
final class FailOpenLeases implements ConnectionLeases {
  private static final Logger LOG = Logger.getLogger(FailOpenLeases.class.getName());
  private final ConnectionLeases shared;
  private final ConnectionLeases local;

  FailOpenLeases(ConnectionLeases shared, ConnectionLeases local) {
    this.shared = shared;
    this.local = local;
  }

  @Override
  public boolean acquire(String key, String lease, int cap, Duration ttl) {
    try {
      return shared.acquire(key, lease, cap, ttl);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "lease store unavailable, counting locally", e);
      return local.acquire(key, lease, cap, ttl);
    }
  }

  @Override
  public void renew(String key, String lease, Duration ttl) {
    try {
      shared.renew(key, lease, ttl);
    } catch (RuntimeException e) {
      local.renew(key, lease, ttl);
    }
  }

  @Override
  public void release(String key, String lease) {
    try {
      shared.release(key, lease);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "lease store unavailable", e);
    }
    local.release(key, lease);
  }
}
