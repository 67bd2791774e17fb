package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link LimiterStore} must have; run against each implementation. */
abstract class LimiterStoreContract {
  /** One hash tag, as a caller's keys have, so a Redis Cluster keeps a test's keys in one slot. */
  protected final String prefix = "rpcshield-test:{" + UUID.randomUUID() + "}:";

  abstract LimiterStore store();

  /** Lets at least {@code millis} of store time pass. */
  abstract void pass(long millis);

  /** Epoch second the store considers now. */
  abstract long nowEpochSecond();

  private Rule bucket(String key, long capacity, double perSecond, long cost) {
    return Rule.bucket("rps", prefix + key, capacity, perSecond, cost);
  }

  @Test
  void burstThenRefusalWithAWait() {
    Rule r = bucket("burst", 3, 1, 1);
    for (int i = 0; i < 3; i++) {
      Decision d = store().chargeOne(List.of(r));
      assertTrue(d.allowed());
      assertEquals(2 - i, d.remaining());
      assertEquals(3, d.limit());
    }
    Decision refused = store().chargeOne(List.of(r));
    assertFalse(refused.allowed());
    assertEquals("rps", refused.rule());
    assertTrue(refused.retryAfterMillis() > 0 && refused.retryAfterMillis() <= 1000, "" + refused);
    assertEquals(1, refused.retryAfterSeconds());
  }

  @Test
  void refillsOverTime() {
    Rule r = bucket("refill", 1, 20, 1);
    assertTrue(store().chargeOne(List.of(r)).allowed());
    assertFalse(store().chargeOne(List.of(r)).allowed());
    pass(120);
    assertTrue(store().chargeOne(List.of(r)).allowed());
  }

  @Test
  void aRefusedMemberChargesNothing() {
    Rule roomy = Rule.bucket("rps", prefix + "roomy", 10, 1, 1);
    Rule tight = Rule.bucket("cu", prefix + "tight", 5, 1, 6);
    Decision d = store().chargeOne(List.of(roomy, tight));
    assertFalse(d.allowed());
    assertEquals("cu", d.rule());
    assertEquals(9, store().chargeOne(List.of(roomy)).remaining(), "roomy was not charged");
  }

  @Test
  void batchMembersAreChargedInOrder() {
    Rule r = bucket("batch", 2, 0.001, 1);
    List<Decision> ds = store().charge(List.of(List.of(r), List.of(r), List.of(r)));
    assertEquals(List.of(true, true, false), ds.stream().map(Decision::allowed).toList());
  }

  @Test
  void costZeroAlwaysPasses() {
    Rule empty = bucket("zero", 1, 0.001, 1);
    store().chargeOne(List.of(empty));
    Rule free = bucket("zero", 1, 0.001, 0);
    assertTrue(store().chargeOne(List.of(free)).allowed());
  }

  @Test
  void costAboveCapacityIsRefused() {
    Decision d = store().chargeOne(List.of(bucket("huge", 10, 10, 11)));
    assertFalse(d.allowed());
  }

  @Test
  void tightestRuleIsReportedWhenAllowed() {
    Rule loose = Rule.bucket("rps", prefix + "loose", 100, 1, 1);
    Rule tight = Rule.bucket("cu", prefix + "tightest", 10, 1, 5);
    Decision d = store().chargeOne(List.of(loose, tight));
    assertTrue(d.allowed());
    assertEquals("cu", d.rule());
    assertEquals(5, d.remaining());
  }
}
