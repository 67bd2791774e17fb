package dev.rpcshield.identity;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * The issuer's public keys (a JWK set), fetched from {@code rpcshield.jwt.jwks-url} or from the
 * {@code jwks_uri} of the issuer's OpenID Connect discovery document, kept until a token names a
 * key the set does not hold, or is older than {@link #MAX_AGE} (so a key the issuer dropped stops
 * working): then fetched again, for an unknown key id at most once per {@code minRefresh}, so
 * tokens with made-up key ids cannot make the gateway hammer the issuer. A failed fetch keeps the
 * keys it had; a token whose key the set lacks and that would wait more than 2 s for another call's
 * fetch is refused (one whose key the set holds is checked with it).
 */
public final class IssuerKeys implements VerificationKeyResolver {
  private static final Logger LOG = Logger.getLogger(IssuerKeys.class.getName());
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /**
   * How long a fetched key set is used before it is fetched again: a key the issuer dropped goes.
   */
  static final Duration MAX_AGE = Duration.ofMinutes(15);

  /** The longest a token waits for another call's fetch of the keys. */
  private static final Duration WAIT = Duration.ofSeconds(2);

  /** The largest discovery document or key set read. */
  private static final int MAX_BYTES = 256 * 1024;

  private final JwtConfig config;
  private final HttpClient http;
  private final Clock clock;
  private final Duration minRefresh;
  private final AtomicReference<List<JsonWebKey>> keys = new AtomicReference<>(List.of());
  private final ReentrantLock fetching = new ReentrantLock();
  private volatile URI jwksUrl;

  /** When the keys were last fetched (0: never, so the first token finds them stale). */
  private volatile long fetchedAt;

  public IssuerKeys(JwtConfig config, HttpClient http, Clock clock) {
    this.config = config;
    this.http = http;
    this.clock = clock;
    this.minRefresh = config.keysMinRefresh();
    this.jwksUrl = config.jwksUrl();
  }

  @Override
  public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nesting)
      throws UnresolvableKeyException {
    long seen = fetchedAt;
    boolean stale = clock.millis() - seen >= MAX_AGE.toMillis();
    JsonWebKey key = stale ? null : select(jws);
    if (key == null) {
      try {
        // One fetch at a time; a call that cannot wait for it is refused, not queued.
        if (fetching.tryLock(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          try {
            if (fetchedAt == seen && (stale || mayFetch())) {
              fetch();
            }
          } finally {
            fetching.unlock();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      key = select(jws);
    }
    if (key == null) {
      throw new UnresolvableKeyException("no key of the issuer's matches the token");
    }
    return key.getKey();
  }

  private boolean mayFetch() {
    return clock.millis() - fetchedAt >= minRefresh.toMillis();
  }

  private JsonWebKey select(JsonWebSignature jws) {
    try {
      return new VerificationJwkSelector().select(jws, keys.get());
    } catch (JoseException e) {
      return null;
    }
  }

  /** Fetches the key set (and the discovery document first, once); logs a failure. */
  private void fetch() {
    fetchedAt = clock.millis();
    try {
      if (jwksUrl == null) {
        jwksUrl = discover();
      }
      JsonWebKeySet set = new JsonWebKeySet(get(jwksUrl));
      keys.set(List.copyOf(set.getJsonWebKeys()));
    } catch (IOException | JoseException | RuntimeException e) {
      LOG.log(Level.WARNING, "cannot fetch the JWT issuer's keys: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private URI discover() throws IOException, InterruptedException {
    URI doc =
        URI.create(config.issuer().replaceAll("/+$", "") + "/.well-known/openid-configuration");
    Map<String, Object> d;
    try {
      d = JsonUtil.parseJson(get(doc));
    } catch (JoseException e) {
      throw new IOException("the discovery document is not JSON");
    }
    if (!config.issuer().equals(d.get("issuer"))) {
      throw new IOException("the discovery document names another issuer");
    }
    if (!(d.get("jwks_uri") instanceof String uri)) {
      throw new IOException("the discovery document has no jwks_uri");
    }
    URI keys = URI.create(uri);
    JwtConfig.requireSecure("jwks_uri of the discovery document", keys);
    return keys;
  }

  private String get(URI uri) throws IOException, InterruptedException {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Accept", "application/json")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = r.body()) {
      if (r.statusCode() != 200) {
        throw new IOException("HTTP " + r.statusCode() + " from " + uri.getHost());
      }
      byte[] bytes = body.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new IOException("more than " + MAX_BYTES + " bytes from " + uri.getHost());
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
