package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * CORS on the JSON-RPC paths as a browser would see it, with a plain HTTP client: the preflight,
 * the headers on answers, errors and 429s, a disallowed origin, and the admin paths left alone. The
 * test server allows https://app.example, https://*.dapp.example and two loopback pages.
 */
class CorsIT extends ItBase {
  private static final String CHAIN_ID =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}";
  private static final String APP = "https://app.example";

  private final Admin admin = new Admin(gateway);

  private Gateway.Response options(String path, String origin, String method, String headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(gateway.base().resolve(path))
            .timeout(Duration.ofSeconds(10))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody());
    if (origin != null) {
      b.header("Origin", origin);
    }
    if (method != null) {
      b.header("Access-Control-Request-Method", method);
    }
    if (headers != null) {
      b.header("Access-Control-Request-Headers", headers);
    }
    return gateway.send(b.build());
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredOnEveryJsonRpcPath() {
    for (String path : new String[] {"/", "/v1/rpcs_anykey"}) {
      Gateway.Response r = options(path, APP, "POST", "content-type,x-api-key");
      assertEquals(204, r.status(), path);
      assertEquals(APP, r.header("Access-Control-Allow-Origin"));
      assertEquals("POST", r.header("Access-Control-Allow-Methods"));
      assertEquals("content-type, x-api-key", r.header("Access-Control-Allow-Headers"));
      assertEquals("300", r.header("Access-Control-Max-Age"));
      assertTrue(r.header("Vary").contains("Origin"));
      assertNull(r.header("Access-Control-Allow-Credentials"));
    }
    Gateway.Response wildcard = options("/", "https://x.dapp.example", "POST", "content-type");
    assertEquals(204, wildcard.status());
    assertEquals("https://x.dapp.example", wildcard.header("Access-Control-Allow-Origin"));
  }

  @Test
  void aDisallowedOriginGetsNoCorsHeadersAndAPreflightTheBrowserRefuses() {
    Gateway.Response pre = options("/", "https://evil.example", "POST", "content-type");
    assertEquals(403, pre.status());
    assertNull(pre.header("Access-Control-Allow-Origin"));
    assertEquals(-32031, pre.json().get("error").get("code").asInt());
    assertFalse(pre.body().contains("Exception"));

    Gateway.Response post = gateway.post(CHAIN_ID, "Origin", "https://evil.example");
    assertEquals(200, post.status());
    assertNull(post.header("Access-Control-Allow-Origin"));
    assertEquals("Origin", post.header("Vary"));

    assertEquals(403, options("/", APP, "DELETE", null).status());
    assertEquals(403, options("/", APP, "POST", "content-type, x-custom").status());
  }

  @Test
  void answersErrorsAndRateLimitRefusalsCarryTheHeadersAPageNeeds() {
    Gateway.Response ok = gateway.post(CHAIN_ID, "Origin", APP);
    assertEquals(200, ok.status());
    assertEquals("0x7a69", ok.json().get("result").asText());
    assertEquals(APP, ok.header("Access-Control-Allow-Origin"));
    assertEquals("Origin", ok.header("Vary"));
    String exposed = ok.header("Access-Control-Expose-Headers");
    for (String h :
        new String[] {
          "Retry-After",
          "X-RateLimit-Limit",
          "X-RateLimit-Remaining",
          "X-RateLimit-Reset",
          "X-Request-Id"
        }) {
      assertTrue(exposed.contains(h), exposed);
    }

    Gateway.Response bad = gateway.post("{not json", "Origin", APP);
    assertEquals(400, bad.status());
    assertEquals(APP, bad.header("Access-Control-Allow-Origin"));

    Gateway.Response unknownKey = gateway.postTo("/v1/rpcs_notakey", CHAIN_ID, "Origin", APP);
    assertEquals(401, unknownKey.status());
    assertEquals(APP, unknownKey.header("Access-Control-Allow-Origin"));

    String account =
        admin.account("{\"name\":\"it-cors-429\",\"overrides\":{\"rps\":0.1,\"burst\":1}}");
    String key = admin.key(account).get("key").asText();
    Gateway.Response refused = null;
    for (int i = 0; i < 5 && (refused == null || refused.status() != 429); i++) {
      refused = gateway.postTo("/v1/" + key, CHAIN_ID, "Origin", APP);
    }
    assertEquals(429, refused.status());
    assertEquals(APP, refused.header("Access-Control-Allow-Origin"));
    assertTrue(refused.header("Access-Control-Expose-Headers").contains("Retry-After"));
    assertTrue(Long.parseLong(refused.header("Retry-After")) > 0);
  }

  @Test
  void theAdminApiAndConsoleAreNeverCorsEnabled() {
    Gateway.Response pre = options("/admin/api/accounts", APP, "GET", "authorization");
    assertNull(pre.header("Access-Control-Allow-Origin"));
    Gateway.Response console = options("/admin/", APP, "GET", null);
    assertNull(console.header("Access-Control-Allow-Origin"));
    Gateway.Response get =
        gateway.send(
            HttpRequest.newBuilder(gateway.base().resolve("/admin/api/accounts"))
                .header("Origin", APP)
                .header("Authorization", "Bearer " + Admin.TOKEN)
                .GET()
                .build());
    assertEquals(200, get.status());
    assertNull(get.header("Access-Control-Allow-Origin"));
  }
}
