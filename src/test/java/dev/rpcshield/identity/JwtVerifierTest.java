package dev.rpcshield.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A token's checks, with keys made here: signature and algorithm, issuer, audience, times. */
class JwtVerifierTest {
  private static final String ISSUER = "https://id.example";
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static RsaJsonWebKey rsa;
  private static EllipticCurveJsonWebKey ec;
  private static OctetKeyPairJsonWebKey ed;
  private static RsaJsonWebKey stranger;

  private final MutableClock clock = new MutableClock(NOW);
  private JwtConfig config =
      new JwtConfig(
          ISSUER, null, "rpcshield", Duration.ofSeconds(60), "sub", true, "tier", Duration.ZERO);

  @BeforeAll
  static void keys() throws Exception {
    rsa = RsaJwkGenerator.generateJwk(2048);
    rsa.setKeyId("rsa-1");
    ec = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    ec.setKeyId("ec-1");
    ed = OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519);
    ed.setKeyId("ed-1");
    stranger = RsaJwkGenerator.generateJwk(2048);
    stranger.setKeyId("rsa-1");
  }

  private JwtVerifier verifier() {
    List<JsonWebKey> published = List.of(publicOf(rsa), publicOf(ec), publicOf(ed));
    return new JwtVerifier(config, new JwksVerificationKeyResolver(published), clock);
  }

  private static JsonWebKey publicOf(JsonWebKey k) {
    try {
      return JsonWebKey.Factory.newJwk(k.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JwtClaims claims(String issuer, Object audience, Instant expires) {
    JwtClaims c = new JwtClaims();
    c.setIssuer(issuer);
    if (audience instanceof List<?> list) {
      c.setAudience(list.stream().map(String::valueOf).toList());
    } else {
      c.setAudience((String) audience);
    }
    c.setSubject("dapp-backend");
    c.setExpirationTime(NumericDate.fromMilliseconds(expires.toEpochMilli()));
    c.setNotBefore(NumericDate.fromMilliseconds(NOW.minusSeconds(600).toEpochMilli()));
    c.setClaim("tier", "pro");
    return c;
  }

  private static JwtClaims good() {
    return claims(ISSUER, "rpcshield", NOW.plusSeconds(300));
  }

  static String sign(JwtClaims claims, JsonWebKey key, String alg) throws Exception {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key instanceof RsaJsonWebKey r ? r.getPrivateKey() : keyOf(key));
    jws.setKeyIdHeaderValue(key.getKeyId());
    jws.setAlgorithmHeaderValue(alg);
    return jws.getCompactSerialization();
  }

  private static java.security.Key keyOf(JsonWebKey key) {
    if (key instanceof EllipticCurveJsonWebKey e) {
      return e.getPrivateKey();
    }
    return ((OctetKeyPairJsonWebKey) key).getPrivateKey();
  }

  private String check(String token) {
    return switch (verifier().verify(token)) {
      case JwtVerifier.Valid v -> "valid " + v.account() + " " + v.tier();
      case JwtVerifier.Invalid i -> i.check();
    };
  }

  @Test
  void rs256Es256AndEdDsaTokensOfTheIssuerAreValid() throws Exception {
    assertEquals(
        "valid dapp-backend pro", check(sign(good(), rsa, AlgorithmIdentifiers.RSA_USING_SHA256)));
    assertEquals(
        "valid dapp-backend pro",
        check(sign(good(), ec, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)));
    assertEquals("valid dapp-backend pro", check(sign(good(), ed, AlgorithmIdentifiers.EDDSA)));
  }

  @Test
  void anAudienceArrayHoldingOursIsValidAnyOtherIsNot() throws Exception {
    String alg = AlgorithmIdentifiers.RSA_USING_SHA256;
    assertEquals(
        "valid dapp-backend pro",
        check(sign(claims(ISSUER, List.of("other", "rpcshield"), NOW.plusSeconds(60)), rsa, alg)));
    assertEquals(
        "audience", check(sign(claims(ISSUER, List.of("a", "b"), NOW.plusSeconds(60)), rsa, alg)));
    assertEquals("audience", check(sign(claims(ISSUER, "other", NOW.plusSeconds(60)), rsa, alg)));
  }

  @Test
  void anotherIssuerIsRefused() throws Exception {
    assertEquals(
        "issuer",
        check(
            sign(
                claims("https://evil.example", "rpcshield", NOW.plusSeconds(60)),
                rsa,
                AlgorithmIdentifiers.RSA_USING_SHA256)));
  }

  @Test
  void expiryAndNotBeforeHoldWithinTheClockSkew() throws Exception {
    String alg = AlgorithmIdentifiers.RSA_USING_SHA256;
    String expired = sign(claims(ISSUER, "rpcshield", NOW.minusSeconds(30)), rsa, alg);
    assertEquals("valid dapp-backend pro", check(expired), "30 s late, within 60 s of skew");
    clock.advance(Duration.ofSeconds(31));
    assertEquals("expired", check(expired));

    JwtClaims early = good();
    early.setNotBefore(NumericDate.fromMilliseconds(NOW.plusSeconds(120).toEpochMilli()));
    assertEquals("not yet valid", check(sign(early, rsa, alg)));

    JwtClaims forever = good();
    forever.unsetClaim("exp");
    assertEquals("no expiry", check(sign(forever, rsa, alg)), "a token without exp is refused");
  }

  @Test
  void aSignatureByAnotherKeyWithTheSameKeyIdIsRefused() throws Exception {
    assertEquals("signature", check(sign(good(), stranger, AlgorithmIdentifiers.RSA_USING_SHA256)));
  }

  @Test
  void noneAndHmacWithThePublicKeyAreRefusedWhateverTheHeaderSays() throws Exception {
    JsonWebSignature none = new JsonWebSignature();
    none.setPayload(good().toJson());
    none.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
    none.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
    none.setKeyIdHeaderValue("rsa-1");
    assertEquals("algorithm", check(none.getCompactSerialization()));

    // The confusion attack: HS256 keyed with the bytes of the issuer's published RSA key.
    JsonWebSignature hmac = new JsonWebSignature();
    hmac.setPayload(good().toJson());
    hmac.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
    hmac.setKeyIdHeaderValue("rsa-1");
    hmac.setKey(
        new HmacKey(
            publicOf(rsa)
                .toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
                .getBytes(StandardCharsets.UTF_8)));
    hmac.setDoKeyValidation(false);
    assertEquals("algorithm", check(hmac.getCompactSerialization()));
  }

  @Test
  void theAccountComesFromTheConfiguredClaimAndMustBeThere() throws Exception {
    config =
        new JwtConfig(
            ISSUER,
            null,
            "rpcshield",
            Duration.ofSeconds(60),
            "org_id",
            false,
            null,
            Duration.ZERO);
    JwtClaims c = good();
    c.setClaim("org_id", "acme");
    String alg = AlgorithmIdentifiers.RSA_USING_SHA256;
    assertEquals("valid acme null", check(sign(c, rsa, alg)));
    assertEquals("account claim", check(sign(good(), rsa, alg)));
  }

  @Test
  void garbageIsMalformedAndOnlyTheJwtShapeIsTakenForAToken() throws Exception {
    assertEquals("malformed", check("eyJhbGciOi.eyJzdWIi.c2ln"));
    String noAlg =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals("algorithm", check(noAlg + ".eyJzdWIiOiJ4In0.c2ln"), "a header without alg");
    String token = sign(good(), rsa, AlgorithmIdentifiers.RSA_USING_SHA256);
    assertTrue(JwtVerifier.looksLikeJwt(token));
    assertFalse(JwtVerifier.looksLikeJwt("rpcs_abcdefghijklmnopqrstuvwxyz012345"));
    assertFalse(JwtVerifier.looksLikeJwt("eyJonly.two"));
    String header = Base64.getUrlEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8));
    assertFalse(JwtVerifier.looksLikeJwt(header + ".a.b"), "a header that is not a JSON object");
  }
}
