package dev.rpcshield.limit;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Connection leases in this JVM (one instance, or the fallback when Redis fails). */
public final class InMemoryConnectionLeases implements ConnectionLeases {
  private final Clock clock;
  private final Map<String, Map<String, Long>> leases = new ConcurrentHashMap<>();

  public InMemoryConnectionLeases(Clock clock) {
    this.clock = clock;
  }

  @Override
  public boolean acquire(String key, String lease, int cap, Duration ttl) {
    long now = clock.millis();
    Map<String, Long> held = leases.computeIfAbsent(key, k -> new HashMap<>());
    synchronized (held) {
      held.values().removeIf(expiry -> expiry <= now);
      if (held.size() >= cap) {
        return false;
      }
      held.put(lease, now + ttl.toMillis());
      return true;
    }
  }

  @Override
  public void renew(String key, String lease, Duration ttl) {
    Map<String, Long> held = leases.get(key);
    if (held != null) {
      synchronized (held) {
        held.computeIfPresent(lease, (l, e) -> clock.millis() + ttl.toMillis());
      }
    }
  }

  @Override
  public void release(String key, String lease) {
    Map<String, Long> held = leases.get(key);
    if (held != null) {
      synchronized (held) {
        held.remove(lease);
        if (held.isEmpty()) {
          leases.remove(key, held);
        }
      }
    }
  }
}
