package dev.rpcshield.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.MapConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CorsPolicyTest {
  private static CorsPolicy read(Map<String, String> values) {
    return CorsPolicy.read(new Settings(new MapConfig(values)));
  }

  @Test
  void byDefaultEveryOriginMayCallAndPreflightsAreCachedTenMinutes() {
    CorsPolicy cors = read(Map.of());
    Map<String, String> h = cors.answer("https://any.example");
    assertEquals("*", h.get("Access-Control-Allow-Origin"));
    assertEquals("Origin", h.get("Vary"));
    assertTrue(h.get("Access-Control-Expose-Headers").contains("Retry-After"));
    assertTrue(h.get("Access-Control-Expose-Headers").contains("X-RateLimit-Remaining"));
    CorsPolicy.Preflight p = cors.preflight("https://any.example", "POST", "content-type");
    assertTrue(p.allowed());
    assertEquals("600", p.headers().get("Access-Control-Max-Age"));
    assertEquals("POST", p.headers().get("Access-Control-Allow-Methods"));
    assertEquals("content-type", p.headers().get("Access-Control-Allow-Headers"));
    assertNull(p.headers().get("Access-Control-Allow-Credentials"));
  }

  @Test
  void aListedOriginIsEchoedAndAnotherGetsNoCorsHeader() {
    CorsPolicy cors =
        read(
            Map.of(
                "rpcshield.cors.allowed-origins", "https://app.example, https://*.dapp.example",
                "rpcshield.cors.max-age", "1h"));
    assertEquals(
        "https://app.example",
        cors.answer("https://app.example").get("Access-Control-Allow-Origin"));
    assertEquals(
        "https://x.dapp.example",
        cors.answer("https://x.dapp.example").get("Access-Control-Allow-Origin"));
    Map<String, String> other = cors.answer("https://evil.example");
    assertEquals(Map.of("Vary", "Origin"), other);
    assertEquals(Map.of("Vary", "Origin"), cors.answer(null));
    CorsPolicy.Preflight refused = cors.preflight("https://evil.example", "POST", null);
    assertFalse(refused.allowed());
    assertNull(refused.headers().get("Access-Control-Allow-Origin"));
    assertEquals(
        "3600",
        cors.preflight("https://app.example", "POST", null)
            .headers()
            .get("Access-Control-Max-Age"));
  }

  @Test
  void aPreflightGetsOnlyPostAndTheKnownHeaders() {
    CorsPolicy cors = read(Map.of());
    CorsPolicy.Preflight p =
        cors.preflight("https://a.example", "POST", "Content-Type, X-API-Key, x-api-key");
    assertEquals("content-type, x-api-key", p.headers().get("Access-Control-Allow-Headers"));
    assertEquals(
        "content-type, authorization, x-api-key, x-api-secret, sentry-trace, baggage, traceparent,"
            + " tracestate",
        cors.preflight("https://a.example", "POST", null)
            .headers()
            .get("Access-Control-Allow-Headers"));
    assertTrue(
        cors.preflight(
                "https://a.example", "POST", "content-type, sentry-trace, baggage, traceparent")
            .allowed(),
        "a page traced by Sentry or OpenTelemetry may call");
    assertFalse(cors.preflight("https://a.example", "PUT", null).allowed());
    assertFalse(cors.preflight("https://a.example", "POST", "content-type, x-other").allowed());
    assertFalse(cors.preflight(null, "POST", null).allowed());
  }

  @Test
  void theAllowedHeadersAreConfigurableAndStarEchoesWhatIsAsked() {
    CorsPolicy listed = read(Map.of("rpcshield.cors.allowed-headers", "Content-Type, X-Other"));
    assertTrue(listed.preflight("https://a.example", "POST", "x-other").allowed());
    assertFalse(listed.preflight("https://a.example", "POST", "x-api-key").allowed());

    CorsPolicy any = read(Map.of("rpcshield.cors.allowed-headers", "*"));
    CorsPolicy.Preflight p = any.preflight("https://a.example", "POST", "X-Whatever, traceparent");
    assertTrue(p.allowed());
    assertEquals("x-whatever, traceparent", p.headers().get("Access-Control-Allow-Headers"));
    assertNull(
        any.preflight("https://a.example", "POST", null)
            .headers()
            .get("Access-Control-Allow-Headers"));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> read(Map.of("rpcshield.cors.allowed-headers", "content type")));
    assertTrue(e.getMessage().contains("rpcshield.cors.allowed-headers"), e.getMessage());
  }

  @Test
  void noneAllowsNoOriginAndABadOriginNamesTheKey() {
    assertFalse(read(Map.of("rpcshield.cors.allowed-origins", "none")).allows("https://a.example"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> read(Map.of("rpcshield.cors.allowed-origins", "app.example/path")));
    assertTrue(e.getMessage().contains("rpcshield.cors.allowed-origins"), e.getMessage());
  }
}
