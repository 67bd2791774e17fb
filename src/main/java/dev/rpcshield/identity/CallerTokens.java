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

/** Callers' JSON Web Tokens ({@code rpcshield.jwt.*}), their issuer's keys fetched over HTTP. */
@ApplicationScoped
public class CallerTokens {
  @Inject Current<JwtConfig> config;
  @Inject Clock clock;

  private Tokens tokens;

  /** For CDI. */
  public CallerTokens() {}

  /** Tokens under {@code config}, checked with the keys {@code keys} gives for a configuration. */
  public CallerTokens(
      Current<JwtConfig> config, Clock clock, Function<JwtConfig, VerificationKeyResolver> keys) {
    this.tokens = new Tokens(config, clock, keys);
  }

  @PostConstruct
  void fetchOverHttp() {
    tokens = new Tokens(config, clock, overHttp(clock));
  }

  /** The keys of a configuration's issuer, fetched with one HTTP client of short timeouts. */
  public static Function<JwtConfig, VerificationKeyResolver> overHttp(Clock clock) {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    return c -> new IssuerKeys(c, http, clock);
  }

  /** Whether {@code credential} is to be checked as a token: JWTs are on and it has their shape. */
  public boolean isToken(String credential) {
    return tokens.isToken(credential);
  }

  public JwtConfig config() {
    return tokens.config();
  }

  public JwtVerifier.Verdict verify(String token) {
    return tokens.verify(token);
  }
}
