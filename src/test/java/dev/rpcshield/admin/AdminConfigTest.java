package dev.rpcshield.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.MapConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdminConfigTest {
  private static final Map<String, String> OPERATORS =
      Map.of(
          "rpcshield.admin.jwt.issuer", "https://id.example/realms/acme",
          "rpcshield.admin.jwt.jwks-url", "https://id.example/realms/acme/certs",
          "rpcshield.admin.jwt.audience", "rpcshield-admin");

  private static AdminConfig read(Map<String, String> values) {
    return AdminConfig.read(new Settings(new MapConfig(values)));
  }

  @Test
  void serverXmlsEmptyDefaultsTakeNoOperatorsToken() {
    AdminConfig c =
        read(
            Map.of(
                "rpcshield.admin.jwt.issuer", "",
                "rpcshield.admin.jwt.jwks-url", "",
                "rpcshield.admin.jwt.audience", "",
                "rpcshield.admin.token", "t"));
    assertFalse(c.jwt());
    assertEquals("t", c.token());
  }

  @Test
  void anIssuerTakesOperatorsTokensWithLibertysDefaults() {
    AdminConfig.OperatorTokens o = read(OPERATORS).operators();
    assertEquals("rpcshield-admin", o.audience());
    assertEquals("RS256", o.algorithm());
    assertEquals("groups", o.rolesClaim());
    assertEquals(Duration.ofSeconds(60), o.clockSkew());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "rpcshield.admin.jwt.jwks-url|''",
        "rpcshield.admin.jwt.audience|''",
        "rpcshield.admin.jwt.jwks-url|http://id.example/certs",
        "rpcshield.admin.jwt.issuer|ftp://id.example",
        "rpcshield.admin.jwt.audience|rpcshield-admin,other",
        "rpcshield.admin.jwt.algorithm|HS256",
        "rpcshield.admin.jwt.algorithm|none",
        "rpcshield.admin.jwt.clock-skew|1d",
      })
  void aSettingLibertyWouldCheckTokensWithBadlyIsRefusedWithItsKey(String key, String value) {
    Map<String, String> values = new HashMap<>(OPERATORS);
    values.put(key, value);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(values));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  @Test
  void callersTokensOfTheSameIssuerAreNotOperatorsTokens() {
    Map<String, String> values = new HashMap<>(OPERATORS);
    values.put("rpcshield.jwt.issuer", "https://id.example/realms/acme");
    values.put("rpcshield.jwt.audience", "rpcshield-admin");
    assertThrows(IllegalArgumentException.class, () -> read(values));
    values.put("rpcshield.jwt.audience", "rpcshield");
    assertTrue(read(values).jwt());
  }

  @Test
  void aSignedInTokenMustCarryTheIssuerAndAudienceTheGatewayValidated() {
    AdminConfig.OperatorTokens o = read(OPERATORS).operators();
    JwtClaims claims = new JwtClaims();
    claims.setIssuer("https://id.example/realms/acme");
    claims.setAudience("account", "rpcshield-admin");
    assertTrue(o.issued(claims));
    claims.setAudience("account");
    assertFalse(o.issued(claims), "another audience");
    claims.setAudience("rpcshield-admin");
    claims.setIssuer("https://id.example/realms/other");
    assertFalse(o.issued(claims), "another issuer");
    claims.setClaim("iss", 7);
    assertFalse(o.issued(claims), "an issuer that is not a string");
  }
}
