package dev.rpcshield.ws;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.MapConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The handshake's origin rule: the origin matcher CORS uses, and no check without Origin. */
class SocketSettingsTest {
  private static SocketSettings read(Map<String, String> values) {
    return SocketSettings.read(new Settings(new MapConfig(values)), 1024);
  }

  @Test
  void byDefaultEveryPageMayConnect() {
    SocketSettings s = read(Map.of());
    assertTrue(s.originAllowed("https://any.example"));
    assertTrue(s.originAllowed(null));
  }

  @Test
  void aListAdmitsItsPagesAsCorsMatchesThemAndClientsWithoutOrigin() {
    SocketSettings s =
        read(Map.of("rpcshield.ws.allowed-origins", "https://app.example, https://*.dapp.example"));
    assertTrue(s.originAllowed("https://app.example"));
    assertTrue(s.originAllowed("https://App.Example:443"));
    assertTrue(s.originAllowed("https://x.dapp.example"));
    assertFalse(s.originAllowed("https://evil.example"));
    assertFalse(s.originAllowed("https://x.dapp.example.evil"));
    assertFalse(s.originAllowed(""));
    assertTrue(s.originAllowed(null), "not a browser page: the list does not apply");
    SocketSettings none = read(Map.of("rpcshield.ws.allowed-origins", "none"));
    assertFalse(none.originAllowed("https://app.example"));
    assertTrue(none.originAllowed(null));
  }

  @Test
  void aBadOriginNamesTheKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> read(Map.of("rpcshield.ws.allowed-origins", "app.example/path")));
    assertTrue(e.getMessage().contains("rpcshield.ws.allowed-origins"), e.getMessage());
  }
}
