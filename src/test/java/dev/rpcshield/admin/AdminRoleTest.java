package dev.rpcshield.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdminRoleTest {

  @ParameterizedTest(name = "{0} {1}: {2}")
  @CsvSource({
    "GET, accounts, VIEWER",
    "GET, /usage/export, VIEWER",
    "GET, audit, VIEWER",
    "OPTIONS, accounts, VIEWER",
    "POST, upstreams/p1/hold, OPERATOR",
    "POST, /upstreams/p1/release/, OPERATOR",
    "POST, blocklist, OPERATOR",
    "DELETE, blocklist/5f0c2a91-0000-0000-0000-000000000000, OPERATOR",
    "PATCH, keys/5f0c2a91-0000-0000-0000-000000000000, OPERATOR",
    "POST, keys/5f0c2a91-0000-0000-0000-000000000000/secret, OPERATOR",
    "DELETE, keys/5f0c2a91-0000-0000-0000-000000000000, OPERATOR",
    "POST, accounts/5f0c2a91-0000-0000-0000-000000000000/keys, OPERATOR",
    "DELETE, accounts/5f0c2a91-0000-0000-0000-000000000000/high-rate-flag, OPERATOR",
    "POST, accounts, ADMIN",
    "PATCH, accounts/5f0c2a91-0000-0000-0000-000000000000, ADMIN",
    "DELETE, accounts/5f0c2a91-0000-0000-0000-000000000000, ADMIN",
    "POST, config/reload, ADMIN",
    "POST, upstreams/p1/hold/more, ADMIN",
    "PUT, nothing/here, ADMIN",
  })
  void eachCallNeedsTheRoleItsKindOfChangeNames(String method, String path, AdminRole role) {
    assertEquals(role, AdminRole.needed(method, path));
  }

  @Test
  void aTokenHoldsTheHighestRoleItNamesAndEachRoleCoversTheOnesBelow() {
    assertEquals(AdminRole.OPERATOR, AdminRole.highest(Set.of("viewer", "operator")::contains));
    assertEquals(AdminRole.ADMIN, AdminRole.highest(Set.of("admin", "viewer")::contains));
    assertNull(AdminRole.highest(Set.of("Admin", "OPERATOR")::contains), "asked by its label");
    assertTrue(AdminRole.ADMIN.covers(AdminRole.OPERATOR));
    assertTrue(AdminRole.OPERATOR.covers(AdminRole.OPERATOR));
    assertFalse(AdminRole.VIEWER.covers(AdminRole.OPERATOR));
    assertEquals("operator", AdminRole.OPERATOR.label());
  }
}
