package dev.rpcshield.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class OverrideLimitTest {
  private static boolean allows(OverrideLimit limit, String value) {
    return limit.allows(new BigDecimal(value));
  }

  @Test
  void aNumberBeyondAnyDoubleIsRefusedNotTakenAsInfinity() {
    for (OverrideLimit limit : OverrideLimit.values()) {
      assertFalse(allows(limit, "1e400"), limit.field());
      assertFalse(allows(limit, "-1"), limit.field());
      assertTrue(allows(limit, "0"), limit.field() + ": 0 is allowed");
    }
  }

  @Test
  void eachLimitHasItsBoundsInclusive() {
    assertTrue(allows(OverrideLimit.RPS, "1000000"));
    assertFalse(allows(OverrideLimit.RPS, "1000000.5"));
    assertTrue(allows(OverrideLimit.RPS, "0.1"));
    assertTrue(allows(OverrideLimit.RPS, "0.001"));
    assertFalse(allows(OverrideLimit.RPS, "1e-400"), "would be stored as 0: no limit at all");
    assertTrue(allows(OverrideLimit.CU_PER_SECOND, "100000000"));
    assertFalse(allows(OverrideLimit.CU_PER_SECOND, "100000001"));
    assertTrue(allows(OverrideLimit.BURST, "10000000"));
    assertFalse(allows(OverrideLimit.BURST, "10000001"));
    assertTrue(allows(OverrideLimit.MONTHLY_CU, "1e15"));
    assertFalse(allows(OverrideLimit.MONTHLY_CU, "1000000000000001"));
    assertTrue(allows(OverrideLimit.WS_CONNECTIONS, "100000"));
    assertFalse(allows(OverrideLimit.WS_CONNECTIONS, "4294967297"), "past an int");
  }

  @Test
  void countsAreWholeNumbers() {
    assertFalse(allows(OverrideLimit.BURST, "1.5"));
    assertTrue(allows(OverrideLimit.BURST, "2.0"));
    assertFalse(allows(OverrideLimit.WS_CONNECTIONS, "0.5"));
    assertFalse(allows(OverrideLimit.MONTHLY_CU, "10.01"));
  }

  @Test
  void theRefusalNamesTheFieldAndItsBounds() {
    assertEquals(
        "overrides.rps must be 0 or a number from 0.001 to 1000000", OverrideLimit.RPS.rule());
    assertEquals(
        "overrides.wsConnections must be 0 or a whole number from 1 to 100000",
        OverrideLimit.WS_CONNECTIONS.rule());
  }
}
