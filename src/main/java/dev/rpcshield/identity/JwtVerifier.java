package dev.rpcshield.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;

/**
 * Checks a caller's JSON Web Token: its signature (RS256, ES256 or EdDSA, by a key of the issuer's
 * set; {@code none} and HMAC refused whatever the header says), {@code iss}, {@code aud} (a string
 * or an array holding the configured audience), {@code exp} (required) and {@code nbf} within the
 * clock skew. A valid token names its account by the account claim and may name a tier.
 */
public final class JwtVerifier {
  /** What a token said, or which check it failed. */
  public sealed interface Verdict {}

  /**
   * A valid token: the account's name by the account claim, the tier claim's value or null, and
   * every claim it carries.
   */
  public record Valid(String account, String tier, JwtClaims claims) implements Verdict {}

  /**
   * A token that failed {@code check}: {@code expired}, {@code no expiry}, {@code not yet valid},
   * {@code audience}, {@code issuer}, {@code signature}, {@code algorithm}, {@code account claim}
   * or {@code malformed}.
   */
  public record Invalid(String check) implements Verdict {}

  private static final Set<String> ALLOWED =
      Set.of(
          AlgorithmIdentifiers.RSA_USING_SHA256,
          AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
          AlgorithmIdentifiers.EDDSA);

  private static final AlgorithmConstraints ALGORITHMS =
      new AlgorithmConstraints(
          AlgorithmConstraints.ConstraintType.PERMIT, ALLOWED.toArray(String[]::new));

  private final JwtConfig config;
  private final VerificationKeyResolver keys;
  private final Clock clock;

  public JwtVerifier(JwtConfig config, VerificationKeyResolver keys, Clock clock) {
    this.config = config;
    this.keys = keys;
    this.clock = clock;
  }

  /**
   * Whether {@code token}, whose signature something else has verified (Liberty's mpJwt, on the
   * admin API), carries {@code issuer} and {@code audience} and is in force at {@code now}: the
   * claim checks of {@link #verify}, without the signature's.
   */
  public static boolean inForce(
      String token, String issuer, String audience, Duration clockSkew, Instant now) {
    try {
      claimChecks(issuer, audience, clockSkew, now.toEpochMilli())
          .setDisableRequireSignature()
          .setSkipSignatureVerification()
          .build()
          .processToClaims(token);
      return true;
    } catch (InvalidJwtException e) {
      return false;
    }
  }

  /** {@code exp} required, {@code nbf}, both within the skew at {@code nowMillis}; iss and aud. */
  private static JwtConsumerBuilder claimChecks(
      String issuer, String audience, Duration clockSkew, long nowMillis) {
    return new JwtConsumerBuilder()
        .setRequireExpirationTime()
        .setAllowedClockSkewInSeconds((int) clockSkew.toSeconds())
        .setExpectedIssuer(issuer)
        .setExpectedAudience(audience)
        .setEvaluationTime(NumericDate.fromMilliseconds(nowMillis));
  }

  /** Whether {@code credential} has a JWT's shape (three dot-separated parts), not an API key's. */
  public static boolean looksLikeJwt(String credential) {
    int first = credential.indexOf('.');
    return credential.startsWith("eyJ")
        && first > 0
        && credential.indexOf('.', first + 1) > first
        && credential.chars().filter(c -> c == '.').count() == 2;
  }

  public Verdict verify(String token) {
    String alg;
    try {
      alg = JsonWebStructure.fromCompactSerialization(token).getAlgorithmHeaderValue();
    } catch (JoseException | RuntimeException e) {
      return new Invalid("malformed");
    }
    if (alg == null || !ALLOWED.contains(alg)) {
      return new Invalid("algorithm");
    }
    JwtConsumer consumer =
        claimChecks(config.issuer(), config.audience(), config.clockSkew(), clock.millis())
            .setVerificationKeyResolver(keys)
            .setJwsAlgorithmConstraints(ALGORITHMS)
            .build();
    JwtClaims claims;
    try {
      claims = consumer.processToClaims(token);
    } catch (InvalidJwtException e) {
      return new Invalid(failed(e));
    }
    String account = text(claims, config.accountClaim());
    if (account == null || account.isBlank() || account.length() > 200) {
      return new Invalid("account claim");
    }
    return new Valid(
        account, config.tierClaim() == null ? null : text(claims, config.tierClaim()), claims);
  }

  private static String text(JwtClaims claims, String name) {
    try {
      return claims.getClaimValue(name, String.class);
    } catch (MalformedClaimException e) {
      return null;
    }
  }

  private static String failed(InvalidJwtException e) {
    if (e.hasErrorCode(ErrorCodes.EXPIRED)) {
      return "expired";
    }
    if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
      return "no expiry";
    }
    if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
      return "not yet valid";
    }
    if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)
        || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
      return "audience";
    }
    if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
      return "issuer";
    }
    if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)
        || e.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
      return "signature";
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof org.jose4j.lang.InvalidAlgorithmException) {
        return "algorithm";
      }
      if (t instanceof org.jose4j.lang.UnresolvableKeyException) {
        return "signature";
      }
    }
    return "malformed";
  }
}
