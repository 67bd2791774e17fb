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

  /**
   * The subject an account stands for: the issuer and the token's account claim ({@code <issuer>
   * <claim>}), as an account claim is unique within one issuer only.
   */
  public String subject(String accountClaim) {
    return issuer + " " + accountClaim;
  }

  /** Callers' tokens: {@code rpcshield.jwt.*}. */
  public static JwtConfig read(Settings s) {
    JwtConfig issuer = issuer(s);
    if (!issuer.enabled()) {
      return OFF;
    }
    String claim = s.string("rpcshield.jwt.account-claim", "sub").trim();
    require(!claim.isEmpty(), "rpcshield.jwt.account-claim", claim, "a claim name");
    String tierClaim =
        s.optional("rpcshield.jwt.tier-claim")
            .map(String::trim)
            .filter(v -> !v.isEmpty())
            .orElse(null);
    return new JwtConfig(
        issuer.issuer(),
        issuer.jwksUrl(),
        issuer.audience(),
        issuer.clockSkew(),
        claim,
        s.bool("rpcshield.jwt.auto-create", false),
        tierClaim,
        issuer.keysMinRefresh());
  }

  /**
   * The issuer's part: {@code rpcshield.jwt.issuer}, {@code .audience}, {@code .jwks-url}, {@code
   * .clock-skew} and {@code .keys-min-refresh}, the rest as {@link #OFF} has it; {@link #OFF}
   * without an issuer.
   */
  private static JwtConfig issuer(Settings s) {
    String prefix = "rpcshield.jwt.";
    String issuer =
        s.optional(prefix + "issuer").map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
    if (issuer == null) {
      return OFF;
    }
    uri(prefix + "issuer", issuer);
    String jwks = s.optional(prefix + "jwks-url").filter(v -> !v.isBlank()).orElse(null);
    String audience = s.optional(prefix + "audience").filter(v -> !v.isBlank()).orElse(null);
    require(
        audience != null,
        prefix + "audience",
        "",
        "the audience a token must name (" + prefix + "issuer is set)");
    Duration skew = s.duration(prefix + "clock-skew", Duration.ofSeconds(60));
    require(
        skew.compareTo(Duration.ofMinutes(10)) <= 0, prefix + "clock-skew", skew, "at most 10m");
    Duration refresh = s.duration(prefix + "keys-min-refresh", Duration.ofSeconds(10));
    require(
        refresh.compareTo(Duration.ofSeconds(1)) >= 0
            && refresh.compareTo(Duration.ofHours(1)) <= 0,
        prefix + "keys-min-refresh",
        refresh,
        "from 1s to 1h");
    return new JwtConfig(
        issuer,
        jwks == null ? null : uri(prefix + "jwks-url", jwks),
        audience,
        skew,
        "sub",
        false,
        null,
        refresh);
  }

  /** {@code value} as the URL of an issuer or its keys: https, or http to a loopback address. */
  public static URI uri(String key, String value) {
    URI u = Settings.parse(key, value.trim(), URI::create);
    require(
        ("https".equals(u.getScheme()) || loopback(u)) && u.getHost() != null,
        key,
        value,
        "an https URL (http only on a loopback address)");
    return u;
  }

  /**
   * Refuses a URL the issuer's keys would come from over plain HTTP to another host: whoever sits
   * on the path could serve keys of its own.
   */
  static void requireSecure(String what, URI u) throws java.io.IOException {
    if (!"https".equals(u.getScheme()) && !loopback(u)) {
      throw new java.io.IOException(what + " is not https");
    }
  }

  private static boolean loopback(URI u) {
    String host = u.getHost();
    return "http".equals(u.getScheme())
        && host != null
        && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
  }
}
