package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.MapConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Credentials leave the URL for a header, and the headers settings apply over them in order. */
class UpstreamEndpointTest {
  private static UpstreamEndpoint read(Map<String, String> values, String url) {
    return UpstreamEndpoint.read(new Settings(new MapConfig(values)), "a", url);
  }

  @Test
  void userInfoMovesFromTheUrlIntoABasicAuthHeader() {
    UpstreamEndpoint e = read(Map.of(), "https://alice:s3cret@rpc.example:8443/v1/key?x=1");
    assertEquals(URI.create("https://rpc.example:8443/v1/key?x=1"), e.url());
    assertEquals(Map.of("Authorization", "Basic YWxpY2U6czNjcmV0"), e.headers());
  }

  @Test
  void theHeadersSettingThenTheBasicAuthSettingApplyOverTheUrlsCredentials() {
    UpstreamEndpoint e =
        read(
            Map.of(
                "rpcshield.upstream.a.headers", " X-Api-Key = k1 ;Authorization=Bearer t;",
                "rpcshield.upstream.a.basic-auth", "bob:pw"),
            "http://alice:s3cret@127.0.0.1:1");
    assertEquals(URI.create("http://127.0.0.1:1"), e.url());
    assertEquals(List.of("Authorization", "X-Api-Key"), List.copyOf(e.headers().keySet()));
    assertEquals("Basic Ym9iOnB3", e.headers().get("Authorization"));
    assertEquals("k1", e.headers().get("X-Api-Key"));
  }

  @Test
  void aUrlWithoutCredentialsIsKeptAsItIsAndSendsNoHeader() {
    UpstreamEndpoint e = read(Map.of(), "http://127.0.0.1:1/rpc");
    assertEquals(URI.create("http://127.0.0.1:1/rpc"), e.url());
    assertEquals(Map.of(), e.headers());
  }

  @Test
  void aBadUrlOrHeaderIsRefusedNamingTheUpstreamOrItsKey() {
    assertEquals(
        "upstream a: URL is not valid",
        assertThrows(IllegalArgumentException.class, () -> read(Map.of(), "http://bad host/"))
            .getMessage());
    assertEquals(
        "rpcshield.upstream.a.headers: expected Name=value;Name=value",
        assertThrows(
                IllegalArgumentException.class,
                () -> read(Map.of("rpcshield.upstream.a.headers", "novalue"), "http://h:1"))
            .getMessage());
  }
}
