package dev.rpcshield.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.rpcshield.testing.MutableClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The issuer's keys from a real HTTP server in the test: found by OpenID Connect discovery, fetched
 * again for a key id the set does not hold (at most once per interval), kept when a fetch fails.
 */
class IssuerKeysTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  private final MutableClock clock = new MutableClock(NOW);
  private final AtomicReference<String> jwks = new AtomicReference<>();
  private final AtomicReference<String> discoveredIssuer = new AtomicReference<>();
  private final AtomicReference<String> jwksUri = new AtomicReference<>();
  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicInteger status = new AtomicInteger(200);
  private HttpServer server;
  private String issuer;

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/test";
    discoveredIssuer.set(issuer);
    jwksUri.set(issuer + "/keys");
    server.createContext(
        "/realms/test/.well-known/openid-configuration",
        x ->
            answer(
                x,
                200,
                "{\"issuer\":\""
                    + discoveredIssuer.get()
                    + "\",\"jwks_uri\":\""
                    + jwksUri.get()
                    + "\"}"));
    server.createContext(
        "/realms/test/keys",
        x -> {
          fetches.incrementAndGet();
          answer(x, status.get(), jwks.get());
        });
    server.start();
  }

  private static void answer(com.sun.net.httpserver.HttpExchange x, int code, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(code, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static RsaJsonWebKey key(String kid) throws Exception {
    RsaJsonWebKey k = RsaJwkGenerator.generateJwk(2048);
    k.setKeyId(kid);
    return k;
  }

  private void publish(RsaJsonWebKey... keys) {
    jwks.set(
        new JsonWebKeySet(List.<JsonWebKey>of(keys))
            .toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
  }

  private JwtVerifier verifier(URI jwksUrl) {
    JwtConfig config =
        new JwtConfig(
            issuer,
            jwksUrl,
            "rpcshield",
            Duration.ofSeconds(60),
            "sub",
            false,
            null,
            Duration.ofSeconds(10));
    return new JwtVerifier(
        config, new IssuerKeys(config, HttpClient.newHttpClient(), clock), clock);
  }

  private String token(RsaJsonWebKey key) throws Exception {
    JwtClaims c = JwtVerifierTest.claims(issuer, "rpcshield", NOW.plusSeconds(3600));
    return JwtVerifierTest.sign(c, key, AlgorithmIdentifiers.RSA_USING_SHA256);
  }

  private static String check(JwtVerifier v, String token) {
    return v.verify(token) instanceof JwtVerifier.Invalid i ? i.check() : "valid";
  }

  @Test
  void keysAreFoundByDiscoveryAndFetchedAgainWhenTheIssuerRotatesThem() throws Exception {
    RsaJsonWebKey first = key("k1");
    RsaJsonWebKey second = key("k2");
    publish(first);
    JwtVerifier v = verifier(null);
    assertEquals("valid", check(v, token(first)));
    assertEquals("valid", check(v, token(first)));
    assertEquals(1, fetches.get(), "kept between tokens");

    publish(second);
    clock.advance(Duration.ofSeconds(10));
    assertEquals("valid", check(v, token(second)), "an unknown key id fetches the set again");
    assertEquals(2, fetches.get());
    clock.advance(Duration.ofSeconds(10));
    assertEquals("signature", check(v, token(first)), "a key the issuer dropped is gone");
  }

  @Test
  void aKeySetFifteenMinutesOldIsFetchedAgainSoAKeyTheIssuerDroppedStopsWorking() throws Exception {
    RsaJsonWebKey dropped = key("k1");
    publish(dropped);
    JwtVerifier v = verifier(URI.create(issuer + "/keys"));
    String token = token(dropped);
    assertEquals("valid", check(v, token));
    publish(key("k1"));
    clock.advance(Duration.ofMinutes(14));
    assertEquals("valid", check(v, token), "the set is kept for 15 minutes");
    assertEquals(1, fetches.get());
    clock.advance(Duration.ofMinutes(1));
    assertEquals("signature", check(v, token), "the same key id, now another key");
    assertEquals(2, fetches.get());
  }

  @Test
  void keysAreNotTakenOverPlainHttpFromAnotherHost() throws Exception {
    RsaJsonWebKey known = key("k1");
    publish(known);
    // 127.0.0.2 answers like any host here, but is not one of the loopback names http is allowed
    // to.
    HttpServer elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
    AtomicInteger served = new AtomicInteger();
    elsewhere.createContext(
        "/certs",
        x -> {
          served.incrementAndGet();
          answer(x, 200, jwks.get());
        });
    elsewhere.start();
    try {
      jwksUri.set("http://127.0.0.2:" + elsewhere.getAddress().getPort() + "/certs");
      assertEquals("signature", check(verifier(null), token(known)));
      assertEquals(0, served.get(), "the keys were not fetched over plain http");
    } finally {
      elsewhere.stop(0);
    }
  }

  @Test
  void unknownKeyIdsFetchTheSetAtMostOncePerInterval() throws Exception {
    RsaJsonWebKey known = key("k1");
    publish(known);
    JwtVerifier v = verifier(URI.create(issuer + "/keys"));
    assertEquals("valid", check(v, token(known)));
    for (int i = 0; i < 20; i++) {
      assertEquals("signature", check(v, token(key("made-up-" + i))));
    }
    assertEquals(1, fetches.get(), "made-up key ids within 10 s of the last fetch fetch nothing");
    clock.advance(Duration.ofSeconds(10));
    assertEquals("signature", check(v, token(key("made-up"))));
    assertEquals(2, fetches.get());
  }

  @Test
  void aFailedFetchKeepsTheKeysItHad() throws Exception {
    RsaJsonWebKey known = key("k1");
    publish(known);
    JwtVerifier v = verifier(URI.create(issuer + "/keys"));
    assertEquals("valid", check(v, token(known)));
    status.set(500);
    clock.advance(Duration.ofSeconds(10));
    assertEquals("signature", check(v, token(key("k2"))));
    assertEquals(2, fetches.get());
    assertEquals("valid", check(v, token(known)), "still the keys of the last good fetch");
  }

  @Test
  void aDiscoveryDocumentOfAnotherIssuerGivesNoKeys() throws Exception {
    RsaJsonWebKey known = key("k1");
    publish(known);
    discoveredIssuer.set("https://evil.example");
    assertEquals("signature", check(verifier(null), token(known)));
    assertEquals(0, fetches.get());
  }
}
