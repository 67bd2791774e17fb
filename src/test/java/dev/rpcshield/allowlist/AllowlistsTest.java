package dev.rpcshield.allowlist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AllowlistsTest {
  private static final String TOKEN = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";

  @Test
  void aKeyWithoutListsAcceptsEverything() {
    Allowlists none = Allowlists.of(null, null, null, null, null);
    assertTrue(none.isEmpty());
    assertNull(none.refusesClient(null, "203.0.113.9", null));
    assertTrue(none.allowsMethod("debug_anything"));
    assertFalse(none.restrictsContracts());
    assertTrue(none.allowsContract("0x0000000000000000000000000000000000000001"));
  }

  @Test
  void entriesOfOneListAreOredAndListsAreAnded() {
    Allowlists a =
        Allowlists.of(
            List.of("https://app.example", "https://*.dapp.example"),
            List.of("203.0.113.0/24", "2001:db8::/32"),
            List.of("Mozilla/", "ethers/"),
            null,
            null);
    assertNull(a.refusesClient("https://app.example", "203.0.113.9", "Mozilla/5.0"));
    assertNull(a.refusesClient("https://x.dapp.example", "2001:db8::1", "ethers/6.13 node"));
    assertEquals("origins", a.refusesClient("https://evil.example", "203.0.113.9", "Mozilla/5.0"));
    assertEquals("origins", a.refusesClient(null, "203.0.113.9", "Mozilla/5.0"));
    assertEquals("cidrs", a.refusesClient("https://app.example", "198.51.100.1", "Mozilla/5.0"));
    assertEquals("userAgents", a.refusesClient("https://app.example", "203.0.113.9", "curl/8"));
    assertEquals("userAgents", a.refusesClient("https://app.example", "203.0.113.9", null));
  }

  @Test
  void methodsByNameAndPrefix() {
    Allowlists a = Allowlists.of(null, null, null, List.of("eth_call", "eth_get*"), null);
    assertTrue(a.allowsMethod("eth_call"));
    assertTrue(a.allowsMethod("eth_getBalance"));
    assertFalse(a.allowsMethod("eth_sendRawTransaction"));
    assertFalse(a.allowsMethod("eth_callMany"));
  }

  @Test
  void contractsCompareInAnyCaseAndAreStoredLowercase() {
    Allowlists a = Allowlists.of(null, null, null, null, List.of(TOKEN, TOKEN.toLowerCase()));
    assertTrue(a.restrictsContracts());
    assertTrue(a.allowsContract(TOKEN.toUpperCase().replace("0X", "0x")));
    assertFalse(a.allowsContract("0x0000000000000000000000000000000000000001"));
    assertFalse(a.allowsContract(null));
    assertEquals(List.of(TOKEN.toLowerCase()), a.entries("contracts"));
  }

  @Test
  void badEntriesAreRefusedNamingTheList() {
    assertEquals("origins", refused(List.of("app.example"), null, null, null, null));
    assertEquals("cidrs", refused(null, List.of("10.0.0.0/40"), null, null, null));
    assertEquals("cidrs", refused(null, List.of("host.example"), null, null, null));
    assertEquals("userAgents", refused(null, null, List.of(" "), null, null));
    assertEquals("methods", refused(null, null, null, List.of("eth call"), null));
    assertEquals("methods", refused(null, null, null, List.of("*"), null));
    assertEquals("contracts", refused(null, null, null, null, List.of("0x1234")));
    List<String> many = Collections.nCopies(31, "eth_call");
    InvalidAllowlistException e =
        assertThrows(
            InvalidAllowlistException.class, () -> Allowlists.of(null, null, null, many, null));
    assertTrue(e.getMessage().contains("at most 30"), e.getMessage());
    List<String> thirty = IntStream.range(0, 30).mapToObj(i -> "m" + i).toList();
    assertEquals(30, Allowlists.of(null, null, null, thirty, null).entries("methods").size());
    List<String> more = IntStream.range(0, 31).mapToObj(i -> "m" + i).toList();
    assertEquals("methods", refused(null, null, null, more, null));
  }

  private static String refused(
      List<String> o, List<String> c, List<String> u, List<String> m, List<String> k) {
    return assertThrows(InvalidAllowlistException.class, () -> Allowlists.of(o, c, u, m, k)).list();
  }
}
