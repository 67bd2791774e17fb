package dev.rpcshield.identity;

import static dev.rpcshield.config.Settings.require;

import dev.rpcshield.config.Settings;
import java.net.URI;
import java.time.Duration;

/**
 * Callers with JSON Web Tokens: on when {@code rpcshield.jwt.issuer} is set. Keys come from {@code
 * rpcshield.jwt.jwks-url}, or from the issuer's OpenID Connect discovery document when it is not
 * set; {@code rpcshield.jwt.audience} must be among a token's {@code aud}.
 *
 * @param issuer the {@code iss} a token must carry; null: JWTs are not taken
 * @param jwksUrl where the issuer's keys are; null: from {@code
 *     <issuer>/.well-known/openid-configuration}
 * @param audience what {@code aud} must be or contain
 * @param clockSkew how far {@code exp} and {@code nbf} may be off (60 s)
 * @param accountClaim the claim naming the account ({@code sub})
 * @param autoCreate whether an account the gateway does not know is made on its first call
 * @param tierClaim the claim naming a tier; null: the account's own tier
 * @param keysMinRefresh the least time between two fetches of the keys for an unknown key id (10 s)
 */
public record JwtConfig(
    String issuer,
    URI jwksUrl,
    String audience,
    Duration clockSkew,
    String accountClaim,
    boolean autoCreate,
    String tierClaim,
    Duration keysMinRefresh) {

  public static final JwtConfig OFF =
      new JwtConfig(null, null, null, Duration.ZERO, "sub", false, null, Duration.ZERO);

  public boolean enabled() {
    return issuer != null;
  }

  public static JwtConfig read(Settings s) {
    String issuer = s.optional("rpcshield.jwt.issuer").filter(v -> !v.isBlank()).orElse(null);
    if (issuer == null) {
      return OFF;
    }
    uri("rpcshield.jwt.issuer", issuer);
    String jwks = s.optional("rpcshield.jwt.jwks-url").filter(v -> !v.isBlank()).orElse(null);
    String audience = s.optional("rpcshield.jwt.audience").filter(v -> !v.isBlank()).orElse(null);
    require(
        audience != null,
        "rpcshield.jwt.audience",
        "",
        "the audience a token must name (rpcshield.jwt.issuer is set)");
    Duration skew = s.duration("rpcshield.jwt.clock-skew", Duration.ofSeconds(60));
    require(
        skew.compareTo(Duration.ofMinutes(10)) <= 0,
        "rpcshield.jwt.clock-skew",
        skew,
        "at most 10m");
    String claim = s.string("rpcshield.jwt.account-claim", "sub").trim();
    require(!claim.isEmpty(), "rpcshield.jwt.account-claim", claim, "a claim name");
    String tierClaim =
        s.optional("rpcshield.jwt.tier-claim")
            .map(String::trim)
            .filter(v -> !v.isEmpty())
            .orElse(null);
    Duration refresh = s.duration("rpcshield.jwt.keys-min-refresh", Duration.ofSeconds(10));
    return new JwtConfig(
        issuer,
        jwks == null ? null : uri("rpcshield.jwt.jwks-url", jwks),
        audience,
        skew,
        claim,
        s.bool("rpcshield.jwt.auto-create", false),
        tierClaim,
        refresh);
  }

  private static URI uri(String key, String value) {
    URI u = Settings.parse(key, value.trim(), URI::create);
    require(
        ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null,
        key,
        value,
        "an http or https URL");
    return u;
  }
}
