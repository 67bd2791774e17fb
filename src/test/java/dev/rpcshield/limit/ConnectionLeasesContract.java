package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link ConnectionLeases} must have; run against each implementation. */
abstract class ConnectionLeasesContract {
  protected final String prefix = "rpcshield-test:" + UUID.randomUUID() + ":";

  abstract ConnectionLeases leases();

  /** A lease lifetime the tests wait out: long next to one store call, short enough to wait. */
  abstract Duration ttl();

  /** Lets at least {@code d} of store time pass. */
  abstract void pass(Duration d);

  @Test
  void acquiresUpToTheCap() {
    String key = prefix + "cap";
    for (int i = 0; i < 3; i++) {
      assertTrue(leases().acquire(key, "lease" + i, 3, ttl()), "slot " + (i + 1) + " of 3");
    }
  }

  @Test
  void refusesOverTheCap() {
    String key = prefix + "over";
    assertTrue(leases().acquire(key, "a", 2, ttl()));
    assertTrue(leases().acquire(key, "b", 2, ttl()));
    assertFalse(leases().acquire(key, "c", 2, ttl()), "a third connection over a cap of 2");
    assertFalse(leases().acquire(key, "d", 2, ttl()), "a refusal takes no slot back");
  }

  @Test
  void capsAreCountedPerKey() {
    assertTrue(leases().acquire(prefix + "one", "a", 1, ttl()));
    assertFalse(leases().acquire(prefix + "one", "b", 1, ttl()));
    assertTrue(leases().acquire(prefix + "two", "b", 1, ttl()), "another identity has its own cap");
  }

  @Test
  void releaseFreesASlot() {
    String key = prefix + "release";
    assertTrue(leases().acquire(key, "a", 2, ttl()));
    assertTrue(leases().acquire(key, "b", 2, ttl()));
    assertFalse(leases().acquire(key, "c", 2, ttl()));
    leases().release(key, "a");
    assertTrue(leases().acquire(key, "c", 2, ttl()), "a's slot is c's now");
    assertFalse(leases().acquire(key, "d", 2, ttl()), "one release frees one slot");
  }

  @Test
  void releasingALeaseNotHeldFreesNothing() {
    String key = prefix + "stranger";
    assertTrue(leases().acquire(key, "a", 1, ttl()));
    leases().release(key, "never-held");
    assertFalse(leases().acquire(key, "b", 1, ttl()), "a's slot is still a's");
  }

  @Test
  void expiryFreesASlot() {
    String key = prefix + "expiry";
    assertTrue(leases().acquire(key, "a", 1, ttl()));
    assertFalse(leases().acquire(key, "b", 1, ttl()));
    pass(ttl().dividedBy(2));
    assertFalse(leases().acquire(key, "b", 1, ttl()), "a live lease is not expired early");
    pass(ttl().dividedBy(2));
    assertTrue(leases().acquire(key, "b", 1, ttl()), "a dead holder's slot expires");
  }

  @Test
  void renewKeepsALeaseAlivePastItsTtl() {
    String key = prefix + "renew";
    assertTrue(leases().acquire(key, "a", 1, ttl()));
    pass(ttl().dividedBy(2));
    leases().renew(key, "a", ttl());
    pass(ttl().dividedBy(2));
    assertFalse(leases().acquire(key, "b", 1, ttl()), "renewed, a outlives its first ttl");
    pass(ttl());
    assertTrue(leases().acquire(key, "b", 1, ttl()), "a renewed lease expires at its new ttl");
  }
}
