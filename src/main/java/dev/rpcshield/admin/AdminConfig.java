package dev.rpcshield.admin;

import static dev.rpcshield.config.Settings.require;

import dev.rpcshield.config.Settings;
import dev.rpcshield.identity.JwtConfig;
import dev.rpcshield.identity.JwtVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The admin API's configuration: who may call it.
 *
 * @param token the static bearer token (the break-glass key: every role); null (unset) turns it off
 * @param operators operators' JSON Web Tokens as Liberty's mpJwt (server.xml) checks them; null
 *     while {@code rpcshield.admin.jwt.issuer} is empty: no operator's token is taken
 */
public record AdminConfig(String token, OperatorTokens operators) {

  /** The signature algorithms operators' tokens may be taken in: never HMAC or {@code none}. */
  static final List<String> ALGORITHMS =
      List.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512");

  /**
   * What server.xml's {@code adminJwt} is configured with, as the gateway validated it.
   *
   * @param issuer the {@code iss} a token must carry
   * @param jwksUrl the issuer's JWK set (https, or http to a loopback address)
   * @param audience the one audience its {@code aud} must hold
   * @param algorithm the one signature algorithm taken
   * @param rolesClaim the claim that names its roles
   * @param clockSkew how far {@code exp} and {@code nbf} may be off (at most 10 m)
   */
  public record OperatorTokens(
      String issuer,
      String jwksUrl,
      String audience,
      String algorithm,
      String rolesClaim,
      Duration clockSkew) {

    /**
     * Whether a token Liberty signed in carries this issuer and audience and is in force at {@code
     * now} (expiry required, within the clock skew): what Liberty checked, asked again, as Liberty
     * may run with values the gateway does not, or answer a token it signed in before from its
     * authentication cache.
     */
    boolean accepts(String token, Instant now) {
      return JwtVerifier.inForce(token, issuer, audience, clockSkew, now);
    }
  }

  public boolean jwt() {
    return operators != null;
  }

  public static AdminConfig read(Settings s) {
    String token = s.optional("rpcshield.admin.token").orElse(null);
    String issuer = value(s, "rpcshield.admin.jwt.issuer");
    if (issuer == null) {
      return new AdminConfig(token, null);
    }
    JwtConfig.uri("rpcshield.admin.jwt.issuer", issuer);
    String jwks = required(s, "rpcshield.admin.jwt.jwks-url");
    JwtConfig.uri("rpcshield.admin.jwt.jwks-url", jwks);
    String audience = required(s, "rpcshield.admin.jwt.audience");
    require(!audience.contains(","), "rpcshield.admin.jwt.audience", audience, "one audience");
    require(
        !(issuer.equals(value(s, "rpcshield.jwt.issuer"))
            && audience.equals(value(s, "rpcshield.jwt.audience"))),
        "rpcshield.admin.jwt.audience",
        audience,
        "an audience other than callers' tokens of the same issuer (rpcshield.jwt.audience)");
    String algorithm = s.string("rpcshield.admin.jwt.algorithm", "RS256");
    require(
        ALGORITHMS.contains(algorithm),
        "rpcshield.admin.jwt.algorithm",
        algorithm,
        String.join(", ", ALGORITHMS));
    String roles = s.string("rpcshield.admin.jwt.roles-claim", "groups");
    Duration skew = s.duration("rpcshield.admin.jwt.clock-skew", Duration.ofSeconds(60));
    require(
        skew.compareTo(Duration.ofMinutes(10)) <= 0,
        "rpcshield.admin.jwt.clock-skew",
        skew,
        "at most 10m");
    return new AdminConfig(
        token, new OperatorTokens(issuer, jwks, audience, algorithm, roles, skew));
  }

  private static String required(Settings s, String key) {
    String v = value(s, key);
    require(v != null, key, "", "set with rpcshield.admin.jwt.issuer");
    return Objects.requireNonNull(v);
  }

  private static String value(Settings s, String key) {
    return s.optional(key).orElse(null);
  }
}
