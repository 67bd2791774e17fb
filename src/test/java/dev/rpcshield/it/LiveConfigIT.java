package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.rpcshield.testing.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway of its own whose configuration is changed while it serves, by writing {@code
 * configDropins/overrides/live.xml} as an operator would (refresh interval 1 s). Its environment
 * has one HTTP upstream, n1, on chain 31337, and two WebSocket upstreams, w1 (n1's node) and w2
 * (n2's node); n2 is behind a counting proxy, and a third node is on chain 1, the wrong one. Each
 * test writes the whole file it needs, and the file is emptied after it. Its {@code variables}
 * directory is where Kubernetes mounts a ConfigMap and a Secret (one file per key, swapped in one
 * move of a {@code ..data} link).
 */
class LiveConfigIT {
  private static final String BLOCK_NUMBER =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}";
  private static final String NEW_HEADS =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}";
  private static final String NEW_PENDING =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newPendingTransactions\"]}";
  private static final Anvil N1 = new Anvil(18661, 31337);
  private static final Anvil N2 = new Anvil(18662, 31337);
  private static final Anvil WRONG = new Anvil(18663, 1);
  private static final LibertyServer SERVER = new LibertyServer("rpcshieldLive", 18555);
  private static final Gateway GATEWAY = Gateway.at(SERVER.uri());
  private static final Admin ADMIN = new Admin(GATEWAY);
  private static final String LIVE = "configDropins/overrides/live.xml";
  private static final String MOUNTED = "variables";
  private static ChaosProxy proxy;
  private static Map<String, String> written = Map.of();

  @BeforeAll
  static void start() {
    N1.start();
    N2.start();
    WRONG.start();
    proxy = new ChaosProxy("live-n2", 18664, URI.create(N2.url()));
    SERVER.start(
        List.of(
            "HTTP_HOST=127.0.0.1",
            "RPCSHIELD_CHAIN_ID=31337",
            "RPCSHIELD_UPSTREAMS=n1=" + N1.url(),
            "RPCSHIELD_UPSTREAMS_WS=w1=ws://127.0.0.1:18661,w2=ws://127.0.0.1:18662",
            "RPCSHIELD_GROUP_DEFAULT_STRATEGY=round-robin",
            "RPCSHIELD_CONFIG_REFRESH_INTERVAL=1s",
            "RPCSHIELD_UPSTREAM_CHAIN_CHECK_INTERVAL=300ms",
            "RPCSHIELD_UPSTREAM_HEAD_POLL_INTERVAL=200ms",
            "RPCSHIELD_UPSTREAM_WS_TIMEOUT=2s",
            "RPCSHIELD_ADMIN_TOKEN=" + Admin.TOKEN,
            "RPCSHIELD_ANONYMOUS_RPS=100000",
            "RPCSHIELD_SENDER_LIMIT=0",
            "RPCSHIELD_CACHE_ENABLED=false"),
        Map.of(LIVE, xml(Map.of()), MOUNTED + "/it.mounted", "variables as files"));
  }

  @AfterAll
  static void stop() {
    SERVER.stop();
    proxy.close();
    for (Anvil node : List.of(N1, N2, WRONG)) {
      node.close();
    }
  }

  @AfterEach
  void backToTheEnvironmentsConfiguration() {
    configure(Map.of());
  }

  private static String xml(Map<String, String> variables) {
    StringBuilder out = new StringBuilder("<server>\n");
    variables.forEach((name, value) ->
        out.append("    <variable name=\"")
            .append(name)
            .append("\" value=\"")
            .append(value)
            .append("\"/>\n"));
    return out.append("</server>\n").toString();
  }

  private static JsonNode config() {
    Gateway.Response r = ADMIN.call("GET", "/config", null);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  /**
   * Writes the override file (whole, in one move, as an editor saving it would) and waits until the
   * gateway has seen the change; returns what became of it.
   */
  private static JsonNode configure(Map<String, String> variables) {
    if (variables.equals(written)) {
      return config().get("lastReload");
    }
    String before = config().get("lastReload").toString();
    write(variables);
    return Eventually.within(Duration.ofSeconds(15), "the gateway sees " + variables)
        .until(() -> config().get("lastReload"), r -> !r.toString().equals(before));
  }

  /** Replaces the override file in one move, as an editor saving it would. */
  private static void write(Map<String, String> variables) {
    SERVER.replace(LIVE, xml(variables));
    written = Map.copyOf(variables);
  }

  /**
   * An admin's token of the test's issuer for the audience {@code ops}, expiring {@code minutes}
   * from now (in the past when negative).
   */
  private static String operatorToken(RsaJsonWebKey key, int minutes) throws Exception {
    JwtClaims c = new JwtClaims();
    c.setIssuer("http://127.0.0.1:18665");
    c.setAudience("ops");
    c.setSubject("otto");
    c.setExpirationTimeMinutesInTheFuture(minutes);
    c.setStringListClaim("groups", "admin");
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(c.toJson());
    jws.setKey(key.getPrivateKey());
    jws.setKeyIdHeaderValue(key.getKeyId());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    return jws.getCompactSerialization();
  }

  @Test
  void operatorsTokensWaitWhileLibertyChecksThemWithAChangeTheGatewayRefused() throws Exception {
    RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
    key.setKeyId("live");
    byte[] keys =
        new JsonWebKeySet(key)
            .toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
            .getBytes(StandardCharsets.UTF_8);
    HttpServer issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 18665), 0);
    issuer.createContext(
        "/keys",
        x -> {
          x.getResponseHeaders().set("Content-Type", "application/json");
          x.sendResponseHeaders(200, keys.length);
          x.getResponseBody().write(keys);
          x.close();
        });
    issuer.start();
    try {
      Map<String, String> operators =
          Map.of(
              "rpcshield.admin.jwt.issuer", "http://127.0.0.1:18665",
              "rpcshield.admin.jwt.jwks-url", "http://127.0.0.1:18665/keys",
              "rpcshield.admin.jwt.audience", "ops");
      JsonNode applied = configure(operators);
      assertEquals("applied", applied.get("outcome").asText(), applied.toString());
      Gateway.Response taken = ADMIN.call("GET", "/accounts", null, operatorToken(key, 5));
      assertEquals(200, taken.status(), taken.body());
      String expired = operatorToken(key, -15);
      assertEquals(401, ADMIN.call("GET", "/accounts", null, expired).status());

      Map<String, String> longSkew = new LinkedHashMap<>(operators);
      longSkew.put("rpcshield.admin.jwt.clock-skew", "20m");
      JsonNode refused = configure(longSkew);
      assertEquals("refused", refused.get("outcome").asText(), refused.toString());
      Gateway.Response waiting = ADMIN.call("GET", "/accounts", null, expired);
      assertEquals(
          503,
          waiting.status(),
          "Liberty takes a token 15 minutes expired with the 20m skew the gateway refused; the"
              + " gateway takes no operator's token meanwhile: "
              + waiting.body());
      assertEquals(503, ADMIN.call("GET", "/accounts", null, operatorToken(key, 5)).status());
      assertEquals(200, ADMIN.call("GET", "/accounts", null).status(), "the break-glass token");

      configure(operators);
      assertEquals(200, ADMIN.call("GET", "/accounts", null, operatorToken(key, 5)).status());
      assertEquals(
          401,
          ADMIN.call("GET", "/accounts", null, expired).status(),
          "expired, whatever Liberty remembers of it");
    } finally {
      issuer.stop(0);
    }
  }

  private static long upstreamCalls(String method) {
    return proxy.bodies().stream().filter(b -> b.contains("\"" + method + "\"")).count();
  }

  @Test
  void anAddedUpstreamTakesTrafficOnlyOnceItsChainIdIsChecked() {
    proxy.reset();
    long version = config().get("version").asLong();
    JsonNode reload =
        configure(
            Map.of(
                "rpcshield.upstreams",
                "n1=" + N1.url() + ",n2=http://127.0.0.1:18664,bad=" + WRONG.url()));
    assertEquals("applied", reload.get("outcome").asText(), reload.toString());
    assertEquals(version + 1, config().get("version").asLong());
    List<String> seen = proxy.bodies();
    assertFalse(seen.isEmpty(), "n2 was asked before it joined");
    assertTrue(seen.get(0).contains("eth_chainId"), "its chain is checked first: " + seen);
    assertEquals(
        "CLOSED", ADMIN.upstream("n2").get("state").asText(), ADMIN.upstream("n2").toString());
    assertEquals(
        "WRONG_CHAIN",
        ADMIN.upstream("bad").get("state").asText(),
        ADMIN.upstream("bad").toString());

    for (int i = 0; i < 20; i++) {
      Gateway.Response r = GATEWAY.post(BLOCK_NUMBER);
      assertEquals(200, r.status(), r.body());
      assertNotNull(r.json().get("result"), r.body());
    }
    assertTrue(upstreamCalls("eth_blockNumber") >= 5, "round robin reaches n2: " + proxy.bodies());
    assertEquals(
        0, ADMIN.upstream("bad").get("requests").asLong(), "the wrong chain serves nothing");
  }

  @Test
  void aRemovedUpstreamStopsReceivingTrafficWithoutAFailedRequestUnderLoad() throws Exception {
    configure(Map.of("rpcshield.upstreams", "n1=" + N1.url() + ",n2=http://127.0.0.1:18664"));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger served = new AtomicInteger();
    ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      clients.add(
          Thread.ofVirtual()
              .start(() -> {
                long until = System.nanoTime() + Duration.ofSeconds(40).toNanos();
                for (int i = 0; i < 5000 && running.get() && System.nanoTime() < until; i++) {
                  Gateway.Response r = GATEWAY.post(BLOCK_NUMBER);
                  if (r.status() != 200 || r.json().get("result") == null) {
                    failed.add(r.status() + " " + r.body());
                  }
                  served.incrementAndGet();
                }
              }));
    }
    Eventually.within(Duration.ofSeconds(10), "load reaches n2")
        .until(() -> upstreamCalls("eth_blockNumber") > 10);

    JsonNode reload = configure(Map.of("rpcshield.upstreams", "n1=" + N1.url()));
    assertEquals("applied", reload.get("outcome").asText(), reload.toString());
    assertEquals(null, ADMIN.upstream("n2"), "n2 is gone");
    int atRemoval = served.get();
    Eventually.within(Duration.ofSeconds(10), "the load goes on after the removal")
        .until(() -> served.get() > atRemoval + 200);
    running.set(false);
    for (Thread t : clients) {
      t.join();
    }
    assertEquals(List.of(), List.copyOf(failed), "no client request failed");

    proxy.reset();
    for (int i = 0; i < 20; i++) {
      assertEquals(200, GATEWAY.post(BLOCK_NUMBER).status());
    }
    assertEquals(List.of(), proxy.bodies(), "nothing reaches the removed upstream, not even polls");
  }

  @Test
  void aTiersRateLimitRaisedAndLoweredTakesEffectWithinTheRefreshInterval() {
    String account = ADMIN.account("{\"name\":\"live\",\"tier\":\"pro\"}");
    String key = ADMIN.key(account).get("key").asText();
    String path = "/v1/" + key;

    configure(Map.of("rpcshield.tier.pro.rps", "1", "rpcshield.tier.pro.burst", "1"));
    assertTrue(refusedOf(path, 10) > 0, "at 1 request/s, ten in a row are refused in part");

    configure(Map.of("rpcshield.tier.pro.rps", "10000", "rpcshield.tier.pro.burst", "10000"));
    Eventually.within(Duration.ofSeconds(5), "the raised limit admits ten in a row")
        .until(() -> refusedOf(path, 10) == 0);

    configure(Map.of("rpcshield.tier.pro.rps", "1", "rpcshield.tier.pro.burst", "1"));
    assertTrue(refusedOf(path, 10) > 0, "lowered again, ten in a row are refused in part");
  }

  @Test
  void aMountedConfigMapChangedInPlaceChangesTheRunningGatewaysLimits() {
    String account = ADMIN.account("{\"name\":\"mounted\",\"tier\":\"pro\"}");
    String path = "/v1/" + ADMIN.key(account).get("key").asText();
    try {
      mount(1, Map.of("rpcshield.tier.pro.rps", "1", "rpcshield.tier.pro.burst", "1"));
      Eventually.within(Duration.ofSeconds(10), "the mounted limit refuses some of ten in a row")
          .until(() -> refusedOf(path, 10) > 0);
      assertEquals("1", config().get("values").get("rpcshield.tier.pro.rps").asText());

      mount(2, Map.of("rpcshield.tier.pro.rps", "10000", "rpcshield.tier.pro.burst", "10000"));
      Eventually.within(Duration.ofSeconds(10), "the raised mounted limit admits ten in a row")
          .until(() -> refusedOf(path, 10) == 0);
    } finally {
      unmount();
    }
    Eventually.within(Duration.ofSeconds(10), "the keys leave with the files, all of them")
        .until(() -> {
          JsonNode values = config().get("values");
          return values.get("rpcshield.tier.pro.rps") == null
              && values.get("rpcshield.tier.pro.burst") == null;
        });
    Gateway.Response applied = ADMIN.call("POST", "/config/reload", null);
    assertEquals(200, applied.status(), "their removal is applied before the next test's change");
  }

  /**
   * Lays {@code values} out in the variables directory as the kubelet updates a mounted ConfigMap:
   * the files in a new hidden directory, {@code ..data} moved onto it in one step, and each key a
   * link through {@code ..data}.
   */
  private static void mount(int revision, Map<String, String> values) {
    Path dir = SERVER.dir().resolve(MOUNTED);
    try {
      Path data = Files.createDirectories(dir.resolve("..revision_" + revision));
      for (Map.Entry<String, String> v : values.entrySet()) {
        Files.writeString(data.resolve(v.getKey()), v.getValue());
      }
      Path next = dir.resolve("..data_tmp");
      Files.deleteIfExists(next);
      Files.createSymbolicLink(next, data.getFileName());
      Files.move(next, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      for (String key : values.keySet()) {
        Path link = dir.resolve(key);
        if (!Files.isSymbolicLink(link)) {
          Files.createSymbolicLink(link, Path.of("..data", key));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes every mounted key, as deleting the ConfigMap's keys would. */
  private static void unmount() {
    try (var files = Files.list(SERVER.dir().resolve(MOUNTED))) {
      for (Path f : files.toList()) {
        if (f.getFileName().toString().startsWith("rpcshield.")) {
          Files.delete(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int refusedOf(String path, int calls) {
    int refused = 0;
    for (int i = 0; i < calls; i++) {
      Gateway.Response r = GATEWAY.postTo(path, BLOCK_NUMBER);
      if (r.status() == 429) {
        refused++;
      } else {
        assertEquals(200, r.status(), r.body());
      }
    }
    return refused;
  }

  @Test
  void anInvalidValueIsRefusedAsAWholeAndTheRunningConfigurationStays() {
    long version = config().get("version").asLong();
    JsonNode reload =
        configure(
            Map.of(
                "rpcshield.upstreams",
                "n1=" + N1.url() + ",n2=http://127.0.0.1:18664",
                "rpcshield.upstream.timeout",
                "soon"));
    assertEquals("refused", reload.get("outcome").asText(), reload.toString());
    assertTrue(
        reload.get("detail").asText().contains("rpcshield.upstream.timeout"), reload.toString());
    assertEquals(version, config().get("version").asLong(), "nothing applied");
    assertEquals(null, ADMIN.upstream("n2"), "not even the valid part of the change");
    assertEquals(200, GATEWAY.post(BLOCK_NUMBER).status(), "the running configuration serves");

    String metrics = GATEWAY.ops("/metrics").body();
    assertTrue(
        metrics.matches("(?s).*rpcshield_config_reloads_total\\{[^}]*outcome=\"refused\".*"),
        "counted as refused");
    String ready = GATEWAY.ops("/health/ready").body();
    assertTrue(ready.contains("refused"), ready);
    assertFalse(ready.contains("Exception"), ready);
  }

  @Test
  void aRestartOnlyKeyIsReportedAsNeedingARestartAndKeepsItsRunningValue() {
    long version = config().get("version").asLong();
    JsonNode reload = configure(Map.of("rpcshield.upstream.head-poll-interval", "5s"));
    assertEquals("needs_restart", reload.get("outcome").asText(), reload.toString());
    JsonNode c = config();
    assertEquals(version, c.get("version").asLong());
    assertEquals(
        "rpcshield.upstream.head-poll-interval",
        c.get("needsRestart").get(0).asText(),
        c.toString());

    JsonNode back = configure(Map.of());
    assertEquals("unchanged", back.get("outcome").asText(), back.toString());
    assertEquals(0, config().get("needsRestart").size(), "back to the running value");
  }

  @Test
  void theDatabaseSettingsWaitForARestartWhileRequestsAndSubscriptionsGoOn() throws Exception {
    Map<String, String> step = new LinkedHashMap<>();
    step.put("rpcshield.upstream.n1.weight", "5");
    assertEquals("applied", configure(step).get("outcome").asText());
    long version = config().get("version").asLong();
    assertTrue(version > 1, "a change applied before: " + version);
    try (Socket ws = new Socket(18555, "/")) {
      String id = ws.call(NEW_HEADS).get("result").asText();
      assertHeadArrives(ws, id);
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger served = new AtomicInteger();
      ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        clients.add(
            Thread.ofVirtual()
                .start(() -> {
                  long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                  for (int i = 0; i < 20_000 && running.get() && System.nanoTime() < until; i++) {
                    Gateway.Response r = GATEWAY.post(BLOCK_NUMBER);
                    if (r.status() != 200 || r.json().get("result") == null) {
                      failed.add(r.status() + " " + r.body());
                    }
                    served.incrementAndGet();
                  }
                }));
      }
      // A database the gateway cannot reach, with a password in its query.
      step.put("rpcshield.db.url", "jdbc:postgresql://127.0.0.1:1/rpcshield?password=dbsecret9");
      JsonNode reload = configure(step);
      int atChange = served.get();
      Eventually.within(Duration.ofSeconds(10), "the load goes on after the change")
          .until(() -> served.get() > atChange + 200);
      running.set(false);
      for (Thread t : clients) {
        t.join();
      }
      assertEquals(List.of(), List.copyOf(failed), "no request failed, none met a stopped app");
      assertEquals("needs_restart", reload.get("outcome").asText(), reload.toString());
      assertTrue(reload.get("detail").asText().contains("rpcshield.db.url"), reload.toString());

      JsonNode c = config();
      assertEquals(version, c.get("version").asLong(), "the running configuration stays");
      assertEquals("rpcshield.db.url", c.get("needsRestart").get(0).asText(), c.toString());
      assertFalse(c.toString().contains("dbsecret9"), c.toString());
      Gateway.Response ready = GATEWAY.ops("/health/ready");
      assertEquals(200, ready.status(), ready.body());
      assertTrue(
          ready.body().matches("(?s).*needsRestart[^,}]*rpcshield\\.db\\.url.*"), ready.body());
      assertFalse(ready.body().contains("dbsecret9"), ready.body());

      assertHeadArrives(ws, id);
      assertNotNull(
          ADMIN.account("{\"name\":\"kept-db\",\"tier\":\"pro\"}"),
          "the running database still serves the admin API");
    }

    step.remove("rpcshield.db.url");
    JsonNode back = configure(step);
    assertEquals("unchanged", back.get("outcome").asText(), back.toString());
    assertEquals(0, config().get("needsRestart").size(), "back to the running value");
  }

  @Test
  void aRefusedValueIsEchoedWithoutTheUrlsCredentialsPathOrQuery() {
    JsonNode noName =
        configure(
            Map.of(
                "rpcshield.upstreams", "n1=" + N1.url() + ",https://mainnet.infura.io/v3/infkey1"));
    JsonNode badName =
        configure(
            Map.of(
                "rpcshield.upstreams",
                "n1=" + N1.url() + ",https://rpcuser:rpcpass2@mainnet.infura.io/v3/infkey3?k=v"));
    JsonNode slashInPassword =
        configure(
            Map.of(
                "rpcshield.upstreams",
                "n1=" + N1.url() + ",https://leakuser:pa/ss5@mainnet.infura.io/v3/infkey5"));
    JsonNode noScheme =
        configure(
            Map.of("rpcshield.upstreams", "n1=" + N1.url() + ",mainnet.infura.io/v3/infkey6"));
    for (JsonNode reload : List.of(noName, badName)) {
      assertEquals("refused", reload.get("outcome").asText(), reload.toString());
      assertTrue(
          reload.get("detail").asText().contains("mainnet.infura.io/****"), reload.toString());
    }
    for (JsonNode reload : List.of(slashInPassword, noScheme)) {
      assertEquals("refused", reload.get("outcome").asText(), reload.toString());
      assertTrue(
          reload.get("detail").asText().contains("rpcshield.upstreams='****'"), reload.toString());
    }
    assertTrue(
        noName
            .get("detail")
            .asText()
            .contains("rpcshield.upstreams='https://mainnet.infura.io/****'"),
        noName.toString());
    assertTrue(
        badName.get("detail").asText().contains("'https://****@mainnet.infura.io/****'"),
        badName.toString());
    List<String> secrets =
        List.of("infkey1", "rpcuser", "rpcpass2", "infkey3", "leakuser", "pa/ss5", "infkey6");
    assertNoSecret("GET /admin/api/config", config().toString(), secrets);
    assertNoSecret("readiness", GATEWAY.ops("/health/ready").body(), secrets);
    for (String log : List.of("logs/messages.log", "logs/console.log")) {
      String text =
          Eventually.within(Duration.ofSeconds(10), "both refusals in " + log)
              .until(
                  () -> Files.readString(SERVER.dir().resolve(log)),
                  t -> t.split("mainnet\\.infura\\.io", -1).length > 2);
      assertNoSecret(log, text, secrets);
    }
  }

  private static void assertNoSecret(String where, String text, List<String> secrets) {
    for (String secret : secrets) {
      assertFalse(text.contains(secret), where + " shows " + secret + ": " + text);
    }
  }

  @Test
  void theAdminTokenIsRotatedWithoutARestart() {
    write(Map.of("rpcshield.admin.token", "rotated-token"));
    Eventually.within(Duration.ofSeconds(15), "the new admin token is taken")
        .until(() -> ADMIN.call("GET", "/config", null, "rotated-token").status() == 200);
    assertEquals(401, ADMIN.call("GET", "/config", null).status(), "the old one is refused");

    write(Map.of());
    Eventually.within(Duration.ofSeconds(15), "the environment's token again")
        .until(() -> ADMIN.call("GET", "/config", null).status() == 200);
    assertEquals(401, ADMIN.call("GET", "/config", null, "rotated-token").status());
  }

  @Test
  void operatorsSeeTheVersionAndMaskedValuesOnTheAdminApiAndInJmx() throws Exception {
    JsonNode c = config();
    assertEquals("****", c.get("values").get("RPCSHIELD_ADMIN_TOKEN").asText(), c.toString());
    assertEquals("****", c.get("values").get("RPCSHIELD_UPSTREAMS").asText());
    assertEquals("1s", c.get("values").get("RPCSHIELD_CONFIG_REFRESH_INTERVAL").asText());
    assertFalse(c.toString().contains(Admin.TOKEN), "no secret shown");
    assertEquals(401, ADMIN.call("GET", "/config", null, null).status());

    String address =
        Files.readString(SERVER.dir().resolve("logs/state/com.ibm.ws.jmx.local.address")).trim();
    try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
      MBeanServerConnection jmx = connector.getMBeanServerConnection();
      ObjectName name = new ObjectName("dev.rpcshield:type=Configuration");
      assertEquals(config().get("version").asLong(), (Long) jmx.getAttribute(name, "Version"));
      assertEquals(
          config().get("appliedAt").asText(), (String) jmx.getAttribute(name, "AppliedAt"));
      String now = (String) jmx.invoke(name, "applyNow", null, null);
      assertTrue(now.startsWith("unchanged") || now.startsWith("applied"), now);
    }
  }

  @Test
  void aNewHeadsSubscriptionKeepsItsIdAcrossThreeReloadsIncludingItsUpstreamsRemoval() {
    try (Socket ws = new Socket(18555, "/")) {
      String id = ws.call(NEW_HEADS).get("result").asText();
      assertTrue(id.matches("0x[0-9a-f]{32}"), id);
      assertHeadArrives(ws, id);

      Map<String, String> step = new LinkedHashMap<>();
      step.put("rpcshield.upstream.n1.weight", "5");
      assertEquals("applied", configure(step).get("outcome").asText());
      assertHeadArrives(ws, id);

      step.put("rpcshield.upstreams", "n1=" + N1.url() + ",n2=http://127.0.0.1:18664");
      assertEquals("applied", configure(step).get("outcome").asText());
      assertHeadArrives(ws, id);

      step.put("rpcshield.upstreams.ws", "w2=ws://127.0.0.1:18662");
      assertEquals("applied", configure(step).get("outcome").asText());
      assertHeadArrives(ws, id);
      JsonNode call = ws.reply("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"eth_chainId\"}");
      assertEquals("0x7a69", call.get("result").asText(), "the same connection serves calls");
    }
  }

  @Test
  void passThroughSubscribersAreToldWhenTheirNetworkLosesEveryWebSocketUpstreamNewHeadsGoOn()
      throws Exception {
    try (Socket ws = new Socket(18555, "/");
        Socket heads = new Socket(18555, "/")) {
      JsonNode pending = ws.call(NEW_PENDING);
      assertTrue(pending.path("result").asText().matches("0x[0-9a-f]{32}"), pending.toString());
      String id = heads.call(NEW_HEADS).get("result").asText();
      assertHeadArrives(heads, id);
      // A list without an entry: an empty value would leave the environment's list in effect.
      JsonNode reload = configure(Map.of("rpcshield.upstreams.ws", ","));
      assertEquals("applied", reload.get("outcome").asText(), reload.toString());
      assertEquals(
          1011, ws.closeCode(10), "the subscriber's connection ends instead of going quiet");
      assertHeadArrives(heads, id);
    }
    try (Socket again = new Socket(18555, "/")) {
      JsonNode refused = again.call(NEW_PENDING);
      assertEquals(-32011, refused.get("error").get("code").asInt(), refused.toString());
      JsonNode served = again.call(NEW_HEADS.replace("\"id\":1", "\"id\":2"));
      assertTrue(served.path("result").asText().matches("0x[0-9a-f]{32}"), served.toString());
    }
  }

  @Test
  void aBasicAuthWithoutAColonIsRefusedLiveWithoutShowingTheValue() {
    JsonNode reload = configure(Map.of("rpcshield.upstream.n1.basic-auth", "nocolonsecret"));
    assertEquals("refused", reload.get("outcome").asText(), reload.toString());
    assertTrue(
        reload.get("detail").asText().contains("rpcshield.upstream.n1.basic-auth"),
        reload.toString());
    assertFalse(config().toString().contains("nocolonsecret"), "the value is never shown");
  }

  /** Mines on both nodes until a newHeads notification for {@code id} arrives. */
  private static void assertHeadArrives(Socket ws, String id) {
    Gateway n1 = Gateway.direct(N1);
    Gateway n2 = Gateway.direct(N2);
    JsonNode note =
        Eventually.within(Duration.ofSeconds(20), "a newHeads notification")
            .until(
                () -> {
                  n1.call("anvil_mine", "[\"0x1\"]");
                  n2.call("anvil_mine", "[\"0x1\"]");
                  try {
                    return ws.next(1);
                  } catch (AssertionError notYet) {
                    return null;
                  }
                },
                n -> n != null && "eth_subscription".equals(n.path("method").asText()));
    assertEquals(id, note.get("params").get("subscription").asText(), "same subscription id");
  }
}
