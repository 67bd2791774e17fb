package dev.rpcshield.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.MapConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdminConfigTest {
  private static final RsaJsonWebKey SIGNER;

  static {
    try {
      SIGNER = RsaJwkGenerator.generateJwk(2048);
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

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
        "rpcshield.admin.jwt.clock-skew|11m",
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
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(values));
    assertTrue(e.getMessage().contains("rpcshield.admin.jwt.audience"), e.getMessage());
    values.put("rpcshield.jwt.audience", "rpcshield");
    assertTrue(read(values).jwt());
  }

  /** {@code claims} as a token (signed with a key of the test's: Liberty checked the signature). */
  private static String token(JwtClaims claims) throws Exception {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(SIGNER.getPrivateKey());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    return jws.getCompactSerialization();
  }

  @Test
  void aSignedInTokenMustCarryTheIssuerAndAudienceTheGatewayValidatedAndBeInForce()
      throws Exception {
    AdminConfig.OperatorTokens o = read(OPERATORS).operators();
    Instant now = Instant.parse("2026-12-07T00:00:00Z");
    JwtClaims claims = new JwtClaims();
    claims.setIssuer("https://id.example/realms/acme");
    claims.setAudience("account", "rpcshield-admin");
    claims.setExpirationTime(NumericDate.fromSeconds(now.getEpochSecond() + 300));
    assertTrue(o.accepts(token(claims), now));
    assertTrue(o.accepts(token(claims), now.plusSeconds(359)), "within the 60 s skew");
    assertFalse(o.accepts(token(claims), now.plusSeconds(361)), "expired");
    claims.setNotBefore(NumericDate.fromSeconds(now.getEpochSecond() + 120));
    assertTrue(o.accepts(token(claims), now.plusSeconds(60)), "within the skew of nbf");
    assertFalse(o.accepts(token(claims), now.plusSeconds(59)), "not yet valid");
    claims.unsetClaim("nbf");
    claims.setAudience("account");
    assertFalse(o.accepts(token(claims), now), "another audience");
    claims.setAudience("rpcshield-admin");
    claims.setIssuer("https://id.example/realms/other");
    assertFalse(o.accepts(token(claims), now), "another issuer");
    claims.setClaim("iss", 7);
    assertFalse(o.accepts(token(claims), now), "an issuer that is not a string");
    claims.setIssuer("https://id.example/realms/acme");
    assertTrue(o.accepts(token(claims), now));
    claims.unsetClaim("exp");
    assertFalse(o.accepts(token(claims), now), "no expiry");
    assertFalse(o.accepts("eyJ.not.a-token", now), "malformed");
  }
}
