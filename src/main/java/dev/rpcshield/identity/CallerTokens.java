package dev.rpcshield.identity;

import dev.rpcshield.config.Current;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import org.jose4j.keys.resolvers.VerificationKeyResolver;

/**
 * Callers' JSON Web Tokens ({@code rpcshield.jwt.*}) under the configuration in force: a verifier,
 * with the issuer's keys fetched over HTTP, for each configuration (a reload that changes it starts
 * from an empty key set).
 */
@ApplicationScoped
public class CallerTokens {
  @Inject Current<JwtConfig> config;
  @Inject Clock clock;

  private Function<JwtConfig, VerificationKeyResolver> keys;

  private record Verifying(JwtConfig config, JwtVerifier verifier) {}

  private volatile Verifying current;

  /** For CDI. */
  public CallerTokens() {}

  /** Tokens under {@code config}, checked with the keys {@code keys} gives for a configuration. */
  public CallerTokens(
      Current<JwtConfig> config, Clock clock, Function<JwtConfig, VerificationKeyResolver> keys) {
    this.config = config;
    this.clock = clock;
    this.keys = keys;
  }

  /** The keys of a configuration's issuer, fetched with one HTTP client of short timeouts. */
  @PostConstruct
  void fetchOverHttp() {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    keys = c -> new IssuerKeys(c, http, clock);
  }

  /** Whether {@code credential} is to be checked as a token: JWTs are on and it has their shape. */
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
