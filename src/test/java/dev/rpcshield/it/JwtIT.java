package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rpcshield.testing.Eventually;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Callers with JSON Web Tokens from a real OpenID Connect issuer in the test (its discovery
 * document and JWK set served on 127.0.0.1:18744, keys made here): a dApp backend calls through
 * viem and ethers with its token and no API key and gets the limits of the tier its token names;
 * every bad token is 401 naming the check; the issuer rotates its keys and the gateway follows.
 * Operators' tokens of the same issuer on the admin API, signed in by Liberty's mpJwt: the roles
 * their groups name per endpoint, the audit trail's actor, refused tokens, the break-glass token.
 */
class JwtIT extends ItBase {
  /** The issuer the IT server takes tokens of (src/test/liberty/server.env). */
  static final String ISSUER = "http://127.0.0.1:18744/realms/it";

  private static final String BLOCK_NUMBER =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}";

  private static HttpServer issuer;
  private static RsaJsonWebKey rsa;
  private static EllipticCurveJsonWebKey ec;
  private static volatile String published;

  private final Admin admin = new Admin(gateway);

  @BeforeAll
  static void startIssuer() throws Exception {
    rsa = RsaJwkGenerator.generateJwk(2048);
    rsa.setKeyId("rsa-" + UUID.randomUUID());
    ec = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    ec.setKeyId("ec-" + UUID.randomUUID());
    publish(rsa);
    issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 18744), 0);
    issuer.createContext(
        "/realms/it/.well-known/openid-configuration",
        x ->
            answer(
                x,
                "{\"issuer\":\""
                    + ISSUER
                    + "\",\"jwks_uri\":\""
                    + ISSUER
                    + "/protocol/openid-connect/certs\"}"));
    issuer.createContext("/realms/it/protocol/openid-connect/certs", x -> answer(x, published));
    issuer.start();
  }

  @AfterAll
  static void stopIssuer() {
    issuer.stop(0);
  }

  private static void publish(PublicJsonWebKey... keys) {
    published =
        new JsonWebKeySet(List.<JsonWebKey>of(keys))
            .toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
  }

  private static void answer(HttpExchange x, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(200, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }

  private static JwtClaims claims(String subject, String tier) {
    JwtClaims c = new JwtClaims();
    c.setIssuer(ISSUER);
    c.setAudience("account", "rpcshield-it");
    c.setSubject(subject);
    c.setExpirationTimeMinutesInTheFuture(5);
    c.setIssuedAtToNow();
    if (tier != null) {
      c.setClaim("tier", tier);
    }
    return c;
  }

  private static String sign(JwtClaims claims, PublicJsonWebKey key, String alg) throws Exception {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key.getPrivateKey());
    jws.setKeyIdHeaderValue(key.getKeyId());
    jws.setAlgorithmHeaderValue(alg);
    return jws.getCompactSerialization();
  }

  private static String rs256(JwtClaims claims) throws Exception {
    return sign(claims, rsa, AlgorithmIdentifiers.RSA_USING_SHA256);
  }

  private Gateway.Response call(String token) {
    return gateway.post(BLOCK_NUMBER, "Authorization", "Bearer " + token);
  }

  @Test
  void aDappBackendCallsWithItsTokenAndGetsTheLimitsOfTheTierItNames() throws Exception {
    String subject = "dapp-" + UUID.randomUUID();
    String tight = rs256(claims(subject, "tight"));
    JsonNode seen =
        DappClients.run(
            gateway.base().toString(),
            "[[\"eth_blockNumber\",[]],[\"eth_chainId\",[]]]",
            "Bearer " + tight);
    for (String client : new String[] {"viem", "ethers"}) {
      assertEquals("0x7a69", seen.get(client).get(1).get("result").asText(), seen.toString());
      assertTrue(seen.get(client).get(0).get("result").asText().startsWith("0x"), seen.toString());
    }

    JsonNode account = null;
    for (JsonNode a : admin.call("GET", "/accounts", null).json()) {
      if (a.get("name").asText().equals(subject)) {
        account = a;
      }
    }
    assertTrue(account != null, "the account was made on the token's first call");
    assertEquals("tight", account.get("tier").asText(), "on the tier its token named");
    assertEquals(ISSUER + " " + subject, account.get("tokenSubject").asText(), "issuer and sub");

    int refused = 0;
    for (int i = 0; i < 12; i++) {
      Gateway.Response r = call(tight);
      if (r.status() == 429) {
        assertEquals(-32005, r.json().at("/error/code").asInt(), r.body());
        refused++;
      }
    }
    assertTrue(refused > 0, "the tight tier's 5 requests a second hold for the token");

    String enterprise = rs256(claims(subject, "enterprise"));
    Eventually.within(Duration.ofSeconds(5), "the tight bucket refilled")
        .until(() -> call(enterprise).status() == 200);
    for (int i = 0; i < 12; i++) {
      assertEquals(200, call(enterprise).status(), "the enterprise tier's limits for this token");
    }
  }

  @Test
  void aBadTokenIsRefusedNamingTheCheckNeverTheToken() throws Exception {
    String subject = "dapp-" + UUID.randomUUID();
    JwtClaims expired = claims(subject, null);
    expired.setExpirationTime(
        NumericDate.fromSeconds(Instant.now().minusSeconds(600).getEpochSecond()));
    JwtClaims early = claims(subject, null);
    early.setNotBefore(NumericDate.fromSeconds(Instant.now().plusSeconds(120).getEpochSecond()));
    JwtClaims otherAudience = claims(subject, null);
    otherAudience.setAudience("another-api");
    JwtClaims otherIssuer = claims(subject, null);
    otherIssuer.setIssuer("http://127.0.0.1:18744/realms/other");

    JsonWebSignature confused = new JsonWebSignature();
    confused.setPayload(claims(subject, null).toJson());
    confused.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
    confused.setKeyIdHeaderValue(rsa.getKeyId());
    confused.setKey(new HmacKey(published.getBytes(StandardCharsets.UTF_8)));
    confused.setDoKeyValidation(false);

    RsaJsonWebKey stranger = RsaJwkGenerator.generateJwk(2048);
    stranger.setKeyId(rsa.getKeyId());

    String[][] cases = {
      {rs256(expired), "expired"},
      {rs256(early), "not yet valid"},
      {rs256(otherAudience), "audience"},
      {rs256(otherIssuer), "issuer"},
      {confused.getCompactSerialization(), "algorithm"},
      {sign(claims(subject, null), stranger, AlgorithmIdentifiers.RSA_USING_SHA256), "signature"},
    };
    for (String[] c : cases) {
      Gateway.Response r = call(c[0]);
      assertEquals(401, r.status(), c[1] + ": " + r.body());
      assertEquals(-32030, r.json().at("/error/code").asInt(), r.body());
      assertEquals("unauthorized: token refused: " + c[1], r.json().at("/error/message").asText());
      assertFalse(r.body().contains(c[0].substring(c[0].lastIndexOf('.') + 1)), "not the token");
    }
    assertTrue(
        java.util.stream.StreamSupport.stream(
                admin.call("GET", "/accounts", null).json().spliterator(), false)
            .noneMatch(a -> a.get("name").asText().equals(subject)),
        "no account made for a refused token");
  }

  /** An operator's claims for the admin API, with {@code roles} in its groups claim. */
  private static JwtClaims operatorClaims(String subject, String... roles) {
    JwtClaims c = claims(subject, null);
    c.setAudience("rpcshield-admin");
    c.setStringListClaim("groups", roles);
    return c;
  }

  /** An operator's token for the admin API (RS256), with {@code roles} in its groups claim. */
  private static String operator(String subject, String... roles) throws Exception {
    return rs256(operatorClaims(subject, roles));
  }

  @Test
  void operatorsMayDoWhatTheRolesTheirTokensNameAndTheAuditTrailNamesThem() throws Exception {
    String viewer = operator("vera", "staff", "viewer");
    Gateway.Response read = admin.call("GET", "/accounts", null, viewer);
    assertEquals(200, read.status(), read.body());
    assertNull(read.header("Set-Cookie"), "Liberty's sign-in leaves no cookie or session");
    assertEquals(200, admin.call("GET", "/upstreams", null, viewer).status());
    Gateway.Response refused =
        admin.call("POST", "/accounts", "{\"name\":\"it-by-viewer\"}", viewer);
    assertEquals(403, refused.status(), refused.body());
    assertEquals("this call needs the admin role", refused.json().get("error").asText());
    Gateway.Response hold = admin.call("POST", "/upstreams/p2/hold", null, viewer);
    assertEquals(403, hold.status());
    assertEquals("this call needs the operator role", hold.json().get("error").asText());

    String operator = operator("otto", "operator");
    try {
      Gateway.Response held = admin.call("POST", "/upstreams/p2/hold", null, operator);
      assertEquals(200, held.status(), held.body());
      assertEquals("HELD", held.json().get("state").asText());
    } finally {
      assertEquals(200, admin.call("POST", "/upstreams/p2/release", null, operator).status());
    }
    assertEquals(
        403, admin.call("POST", "/accounts", "{\"name\":\"it-by-operator\"}", operator).status());

    String accountId = admin.account("{\"name\":\"it-for-operators\"}");
    Gateway.Response smuggled =
        admin.call(
            "PATCH", "/accounts/" + accountId + ";x=%2Fkeys", "{\"tier\":\"pro\"}", operator);
    assertTrue(
        smuggled.status() == 403 || smuggled.status() == 400,
        "a matrix parameter does not make it a key call: " + smuggled.status());
    assertEquals(
        "free", admin.call("GET", "/accounts/" + accountId, null).json().get("tier").asText());
    Gateway.Response slashed =
        admin.call("POST", "/accounts/" + accountId + "%2Fkeys", "{}", operator);
    assertTrue(slashed.status() == 400 || slashed.status() == 404, "nor an encoded slash");

    String administrator = operator("ada", "admin");
    Gateway.Response made =
        admin.call("POST", "/accounts", "{\"name\":\"it-by-admin\"}", administrator);
    assertEquals(201, made.status(), made.body());
    assertEquals(
        List.of("jwt:ada@127.0.0.1 account.create"),
        audited(made.json().get("id").asText(), viewer, "account.create"),
        "the token's subject");

    Gateway.Response none =
        admin.call("GET", "/accounts", null, operator("nobody", "staff", "Admin"));
    assertEquals(403, none.status(), "a role is its name as written");
    assertTrue(none.json().get("error").asText().contains("no admin role"), none.body());
    assertEquals(
        403,
        admin.call("GET", "/accounts", null, operator("admin")).status(),
        "a subject named admin holds no role: only its groups do");

    long logged = ServerLog.lines();
    String callers = rs256(claims("dapp-" + UUID.randomUUID(), null));
    JwtClaims expired = operatorClaims("ada", "admin");
    expired.setExpirationTimeMinutesInTheFuture(-5);
    JwtClaims otherIssuer = operatorClaims("ada", "admin");
    otherIssuer.setIssuer("http://127.0.0.1:18744/realms/other");
    JwtClaims notYet = operatorClaims("ada", "admin");
    notYet.setNotBeforeMinutesInThePast(-5);
    RsaJsonWebKey impostor = RsaJwkGenerator.generateJwk(2048);
    impostor.setKeyId(rsa.getKeyId());
    JsonWebSignature confused = new JsonWebSignature();
    confused.setPayload(operatorClaims("ada", "admin").toJson());
    confused.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
    confused.setKeyIdHeaderValue(rsa.getKeyId());
    confused.setKey(new HmacKey(published.getBytes(StandardCharsets.UTF_8)));
    confused.setDoKeyValidation(false);
    JsonWebSignature unsigned = new JsonWebSignature();
    unsigned.setPayload(operatorClaims("ada", "admin").toJson());
    unsigned.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
    unsigned.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
    Map<String, String> refusedTokens =
        Map.of(
            "a caller's token (another audience)", callers,
            "HS256 keyed with the issuer's published RSA key", confused.getCompactSerialization(),
            "alg none", unsigned.getCompactSerialization(),
            "an expired token", rs256(expired),
            "another issuer's token", rs256(otherIssuer),
            "a token not yet valid", rs256(notYet),
            "a token of another key under the issuer's key id",
                sign(
                    operatorClaims("ada", "admin"),
                    impostor,
                    AlgorithmIdentifiers.RSA_USING_SHA256));
    refusedTokens.forEach((what, token) -> {
      Gateway.Response refusedToken = admin.call("GET", "/accounts", null, token);
      assertEquals(401, refusedToken.status(), what);
      assertEquals(
          "admin token refused: the server's log names the check it failed",
          refusedToken.json().get("error").asText(),
          what);
      assertTrue(refusedToken.header("WWW-Authenticate").startsWith("Bearer"), what);
    });
    gateway.post(
        BLOCK_NUMBER,
        "Authorization",
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString("0123456789abcdef:secret".getBytes(StandardCharsets.UTF_8)));
    assertEquals(200, call(callers).status(), "a caller's token on the JSON-RPC path");
    List<String> messages = ServerLog.messagesSince(logged);
    assertEquals(
        refusedTokens.size(),
        messages.stream().filter(m -> m.startsWith("CWWKS5523E")).count(),
        "Liberty logs why it refused each token: " + messages);
    assertTrue(
        messages.stream().noneMatch(m -> m.startsWith("CWWKS3005E")),
        "Liberty tries no JSON-RPC call's credentials against a user registry: " + messages);

    Gateway.Response breakGlass =
        admin.call("POST", "/accounts", "{\"name\":\"it-by-static-token\"}");
    assertEquals(201, breakGlass.status(), "the static token still has every role");
    assertEquals(
        List.of("admin@127.0.0.1 account.create"),
        audited(breakGlass.json().get("id").asText(), Admin.TOKEN, "account.create"));
  }

  /** The recent audit entries of {@code action} on {@code target}: actor and action. */
  private List<String> audited(String target, String token, String action) {
    List<String> out = new java.util.ArrayList<>();
    for (JsonNode e : admin.call("GET", "/audit?limit=20", null, token).json()) {
      if (e.get("target").asText().equals(target) && e.get("action").asText().equals(action)) {
        out.add(e.get("actor").asText() + " " + e.get("action").asText());
      }
    }
    return out;
  }

  @Test
  void theIssuerRotatesItsKeysAndTheGatewayFollows() throws Exception {
    String subject = "dapp-" + UUID.randomUUID();
    assertEquals(200, call(rs256(claims(subject, null))).status());
    publish(ec);
    try {
      String byNewKey =
          sign(claims(subject, null), ec, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
      Eventually.within(Duration.ofSeconds(10), "a token of the new key taken")
          .until(() -> call(byNewKey).status() == 200);
      String byOldKey = rs256(claims(subject, null));
      Eventually.within(Duration.ofSeconds(10), "a token of the dropped key refused")
          .until(() -> call(byOldKey).status() == 401);
      assertEquals(
          "unauthorized: token refused: signature",
          call(byOldKey).json().at("/error/message").asText());
    } finally {
      publish(rsa);
      String again = rs256(claims(subject, null));
      Eventually.within(Duration.ofSeconds(10), "the first key taken again")
          .until(() -> call(again).status() == 200);
    }
  }
}
