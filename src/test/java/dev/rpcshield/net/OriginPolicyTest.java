package dev.rpcshield.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one origin matcher, with the cases of each rule that uses it: CORS ({@code
 * rpcshield.cors.allowed-origins}), WebSocket handshakes ({@code rpcshield.ws.allowed-origins}) and
 * keys' origin allowlists. Each rule's view of a request without {@code Origin} is its own and is
 * tested with the rule.
 */
class OriginPolicyTest {
  private static OriginPolicy read(String... entries) {
    return OriginPolicy.read(List.of(entries), bad -> new IllegalArgumentException("bad " + bad));
  }

  /** The origins the integration tests' server and the CORS tests configure. */
  private static final OriginPolicy CORS =
      read("https://app.example", "https://*.dapp.example", "http://127.0.0.1:18650");

  @ParameterizedTest(name = "CORS {0}: {1}")
  @CsvSource({
    "https://app.example, true",
    "https://x.dapp.example, true",
    "https://a.b.dapp.example, true",
    "https://dapp.example, false",
    "https://evil.example, false",
    "https://x.dapp.example.evil, false",
    "http://127.0.0.1:18650, true",
    "http://127.0.0.1:18651, false",
    "HTTPS://APP.EXAMPLE, true",
    "https://app.example:443, true",
    "null, false",
  })
  void corsCases(String origin, boolean allowed) {
    assertEquals(allowed, CORS.allows(origin));
  }

  @ParameterizedTest(name = "WebSocket {0}: {1}")
  @CsvSource({
    "https://app.example, true",
    "https://evil.example, false",
    "https://App.Example, true",
    "https://app.example:443, true",
    "http://app.example, false",
  })
  void webSocketCases(String origin, boolean allowed) {
    assertEquals(allowed, read("https://app.example").allows(origin));
  }

  @ParameterizedTest(name = "allowlist {0}: {1}")
  @CsvSource({
    "https://app.example, true",
    "https://a.dapp.example, true",
    "https://x.dapp.example.evil, false",
    "https://dapp.example, false",
    "https://other.example, false",
  })
  void allowlistCases(String origin, boolean allowed) {
    OriginPolicy key =
        OriginPolicy.of(
            List.of(
                OriginPattern.parse("https://app.example"),
                OriginPattern.parse("https://*.dapp.example")));
    assertEquals(allowed, key.allows(origin));
  }

  @Test
  void starAllowsEveryPageAndNoneNoPageAndNeitherAPageWithoutOrigin() {
    OriginPolicy any = read("*");
    assertTrue(any.any());
    assertTrue(any.allows("https://anything.example"));
    assertTrue(OriginPolicy.ANY.allows("chrome-extension://abc"));
    OriginPolicy none = read("none");
    assertFalse(none.any());
    assertFalse(none.allows("https://app.example"));
    for (OriginPolicy p : List.of(any, none, CORS)) {
      assertFalse(p.allows(null), "no Origin is no page: " + p);
      assertFalse(p.allows(" "), "a blank Origin is no page: " + p);
    }
  }

  @Test
  void aBadEntryIsTheCallersErrorNamingIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> read("https://ok.example", "app/x"));
    assertEquals("bad app/x", e.getMessage());
  }
}
