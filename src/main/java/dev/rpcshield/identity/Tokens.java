package dev.rpcshield.identity;

import java.time.Clock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jose4j.keys.resolvers.VerificationKeyResolver;

/**
 * JSON Web Tokens of one issuer under the configuration in force: a verifier, with the issuer's
 * keys, for each configuration (a reload that changes it starts from an empty key set).
 */
public final class Tokens {
  private final Supplier<JwtConfig> config;
  private final Clock clock;
  private final Function<JwtConfig, VerificationKeyResolver> keys;

  private record Verifying(JwtConfig config, JwtVerifier verifier) {}

  private volatile Verifying current;

  /**
   * @param config the configuration in force, asked at every token
   * @param keys the issuer's keys for a configuration ({@link IssuerKeys} over HTTP)
   */
  public Tokens(
      Supplier<JwtConfig> config, Clock clock, Function<JwtConfig, VerificationKeyResolver> keys) {
    this.config = config;
    this.clock = clock;
    this.keys = keys;
  }

  /**
   * Whether {@code credential} is to be checked as a token: tokens are on and it has their shape.
   */
  public boolean isToken(String credential) {
    return config.get().enabled() && JwtVerifier.looksLikeJwt(credential);
  }

  public JwtConfig config() {
    return config.get();
  }

  public JwtVerifier.Verdict verify(String token) {
    JwtConfig now = config.get();
    Verifying v = current;
    if (v == null || !v.config().equals(now)) {
      v = new Verifying(now, new JwtVerifier(now, keys.apply(now), clock));
      current = v;
    }
    return v.verifier().verify(token);
  }
}
