package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.it.ChaosProxy.Mode;
import dev.rpcshield.testing.Eventually;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Health and metrics as an operator's tooling sees them. */
class OpsIT extends ItBase {
  private static final Path SERVER = Path.of("target/liberty/wlp/usr/servers/rpcshieldIT");

  @AfterEach
  void healAfter() {
    net.heal();
  }

  /** Waits until every default upstream is back in rotation after an earlier test's faults. */
  @BeforeEach
  void allInRotation() {
    Eventually.within(Duration.ofSeconds(15), "upstreams return to rotation")
        .until(() -> {
          String body = gateway.ops("/health/ready").body();
          return body.contains("\"p1\":\"CLOSED") && body.contains("\"p2\":\"CLOSED");
        });
  }

  private static double sample(String metrics, String regex) {
    Matcher m = Pattern.compile(regex + " ([0-9.eE+-]+)").matcher(metrics);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  @Test
  void withTracingOffAClientsTraceparentReachesTheUpstreamAsItCame() {
    String client = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    net.p1.reset();
    net.p2.reset();
    Gateway.Response r =
        gateway.post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}",
            "traceparent",
            client);
    assertEquals(200, r.status(), r.body());
    String p1 = net.p1.lastHeader("traceparent");
    String p2 = net.p2.lastHeader("traceparent");
    assertTrue(client.equals(p1) || client.equals(p2), "p1 got " + p1 + ", p2 got " + p2);
  }

  @Test
  void metricsAndHealthAreOnTheOpsPortOnly() throws IOException {
    assertEquals(200, gateway.ops("/health/ready").status());
    assertTrue(gateway.ops("/metrics").body().contains("rpcshield_requests_total"));
    int port = gateway.base().getPort();
    // Liberty picks its virtual host by the Host header's port: the JSON-RPC port's own, none (as
    // through an ingress: 80) and 443 all reach the gateway, never Liberty's metrics or health.
    for (String host : List.of("127.0.0.1:" + port, "rpc.example.com", "rpc.example.com:443")) {
      for (String path : List.of("/metrics", "/health", "/health/ready")) {
        String answer = rawGet(port, host, path);
        assertFalse(answer.startsWith("HTTP/1.1 200"), host + path + ": " + answer);
        assertTrue(answer.contains("\"jsonrpc\":\"2.0\""), "the gateway's own answer: " + answer);
      }
    }
    String rpcOnOps =
        rawPost(Gateway.opsPort(port), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}");
    assertTrue(rpcOnOps.startsWith("HTTP/1.1 404"), "the ops port serves no JSON-RPC: " + rpcOnOps);
  }

  /** GET {@code path} on {@code port} with the given Host header, which java.net.http fixes. */
  private static String rawGet(int port, String host, String path) throws IOException {
    return raw(
        port, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  }

  private static String rawPost(int port, String body) throws IOException {
    return raw(
        port,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length()
            + "\r\nConnection: close\r\n\r\n"
            + body);
  }

  private static String raw(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void readinessNamesEveryUpstreamAndLivenessAndStartupAreUp() {
    Gateway.Response ready = gateway.ops("/health/ready");
    assertEquals(200, ready.status(), ready.body());
    JsonNode check = null;
    for (JsonNode c : ready.json().get("checks")) {
      if (c.get("name").asText().equals("upstreams")) {
        check = c;
      }
    }
    assertTrue(check != null, ready.body());
    assertTrue(ready.body().contains("\"database\":\"UP\""), ready.body());
    assertTrue(ready.body().contains("\"limiter\":\"SHARED\""), ready.body());
    assertTrue(check.get("data").get("p1").asText().startsWith("CLOSED"), ready.body());
    assertTrue(check.get("data").has("b"));
    assertEquals(200, gateway.ops("/health/live").status());
    assertEquals(200, gateway.ops("/health/started").status());
  }

  @Test
  void readinessFailsWhenNoUpstreamIsInRotation() {
    net.p1.mode(Mode.STATUS_502);
    net.p2.mode(Mode.STATUS_502);
    for (int i = 0; i < 4; i++) {
      gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}");
    }
    Gateway.Response ready = gateway.ops("/health/ready");
    assertTrue(
        ready.body().contains("\"p1\":\"OPEN") && ready.body().contains("\"p2\":\"OPEN"),
        ready.body());
  }

  @Test
  void everyRpcShieldMetricHasAHelpText() {
    gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}");
    String metrics = gateway.ops("/metrics?scope=application").body();
    Matcher type = Pattern.compile("(?m)^# TYPE (rpcshield_\\w+) ").matcher(metrics);
    int seen = 0;
    while (type.find()) {
      seen++;
      String name = type.group(1);
      Matcher help = Pattern.compile("(?m)^# HELP " + name + " (.*)$").matcher(metrics);
      assertTrue(help.find() && !help.group(1).isBlank(), name + " has no HELP text");
    }
    assertTrue(seen >= 10, "rpcshield metrics listed: " + seen);
  }

  @Test
  void metricsCountRequestsByMethodOutcomeAndIdentityWithoutKeys() {
    String before = gateway.ops("/metrics?scope=application").body();
    gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}");
    gateway.postTo("/v1/secretkey123", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}");
    gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_peers\"}");
    Gateway.Response r = gateway.ops("/metrics?scope=application");
    assertEquals(200, r.status());
    String after = r.body();
    String okIp =
        "rpcshield_requests_total\\{identity=\"ip\",method=\"eth_chainId\",mp_scope=\"application\",network=\"default\",outcome=\"ok\",?\\}";
    assertEquals(1.0, sample(after, okIp) - sample(before, okIp), after);
    String refused =
        "rpcshield_requests_total\\{identity=\"ip\",method=\"other\",mp_scope=\"application\",network=\"default\",outcome=\"refused\",?\\}";
    assertEquals(1.0, sample(after, refused) - sample(before, refused));
    assertTrue(after.contains("rpcshield_request_duration_seconds_bucket"), "latency histogram");
    assertTrue(
        after.contains(
            "rpcshield_upstream_in_rotation{mp_scope=\"application\",network=\"default\",upstream=\"p1\",}"));
    assertFalse(after.contains("secretkey123"), "no API key in any label");
    assertFalse(after.contains("admin_peers"), "refused method names do not create series");
  }

  @Test
  void metricsFollowPrometheusConventionsForUpstreamsAnswersAndErrors() {
    String before = gateway.ops("/metrics?scope=application").body();
    gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}");
    gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_peers\"}");
    gateway.post("{not json");
    String after = gateway.ops("/metrics?scope=application").body();

    String attempts =
        "rpcshield_upstream_requests_total\\{method=\"eth_chainId\",mp_scope=\"application\",network=\"default\",outcome=\"ok\",upstream=\"p[12]\",?\\}";
    assertTrue(sample(after, attempts) - sample(before, attempts) >= 1, after);
    assertTrue(
        after.contains("# TYPE rpcshield_upstream_request_duration_seconds histogram"), after);
    assertFalse(
        after.contains("rpcshield_upstream_request_duration_seconds{"),
        "no quantiles computed per attempt, only the buckets");
    assertTrue(
        Pattern.compile(
                "rpcshield_upstream_request_duration_seconds_bucket\\{mp_scope=\"application\",network=\"default\",upstream=\"p[12]\",le=\"0\\.005\",?\\}")
            .matcher(after)
            .find(),
        "buckets per upstream: "
            + after
                .lines()
                .filter(l -> l.startsWith("rpcshield_upstream_request_duration"))
                .limit(20)
                .toList());
    String ok = "rpcshield_http_responses_total\\{mp_scope=\"application\",status=\"200\",?\\}";
    assertTrue(sample(after, ok) - sample(before, ok) >= 2, "the call and the refused call: 200");
    String bad = "rpcshield_http_responses_total\\{mp_scope=\"application\",status=\"400\",?\\}";
    assertEquals(1.0, sample(after, bad) - sample(before, bad));
    String notServed = "rpcshield_errors_total\\{code=\"-32601\",mp_scope=\"application\",?\\}";
    assertEquals(1.0, sample(after, notServed) - sample(before, notServed));
    String notJson = "rpcshield_errors_total\\{code=\"-32700\",mp_scope=\"application\",?\\}";
    assertEquals(1.0, sample(after, notJson) - sample(before, notJson));
    for (String gauge :
        new String[] {"rpcshield_upstream_head_lag_blocks", "rpcshield_upstream_finalized_block"}) {
      assertTrue(
          after.contains(gauge + "{mp_scope=\"application\",network=\"default\",upstream=\"p1\",}"),
          gauge);
    }
    assertFalse(
        after.contains("# TYPE rpcshield_upstream_requests gauge"),
        "the old gauge of that name is gone: one family, the counter");
  }

  /** The JSON lines of the IT server's messages.log written after {@code skip} lines. */
  private static List<JsonNode> logLines(long skip) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    try (Stream<String> lines = Files.lines(SERVER.resolve("logs/messages.log"))) {
      for (String line : lines.skip(skip).toList()) {
        out.add(json.readTree(line));
      }
    }
    return out;
  }

  private static long logLength() throws IOException {
    try (Stream<String> lines = Files.lines(SERVER.resolve("logs/messages.log"))) {
      return lines.count();
    }
  }

  private static long refusalLines(List<JsonNode> lines) {
    return lines.stream()
        .filter(l -> "refusal".equals(l.path("ext_event").asText()))
        .filter(l -> "web3_clientVersion".equals(l.path("ext_method").asText()))
        .count();
  }

  private static boolean wentOut(List<JsonNode> lines) {
    return lines.stream()
        .anyMatch(l ->
            "upstream-state".equals(l.path("ext_event").asText())
                && "p1".equals(l.path("ext_upstream").asText())
                && "CLOSED".equals(l.path("ext_from").asText())
                && "OPEN".equals(l.path("ext_to").asText()));
  }

  @Test
  void refusalsAndUpstreamStateChangesAreOneJsonLogLineEach() throws Exception {
    long skip = logLength();
    String methodRate =
        "rpcshield_refusals_total\\{class=\"method-rate\",mp_scope=\"application\",?\\}";
    double countedBefore = sample(gateway.ops("/metrics?scope=application").body(), methodRate);
    String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_clientVersion\"}";
    assertEquals(401, gateway.postTo("/v1/" + "k".repeat(8), call).status());
    int refused = 0;
    for (int i = 0; i < 6; i++) {
      if (gateway.post(call, "X-Forwarded-For", "203.0.113.9, 198.51.100.7").status() == 429) {
        refused++;
      }
    }
    assertTrue(refused > 0, "web3_clientVersion is limited to 2/s");
    assertEquals(
        refused,
        sample(gateway.ops("/metrics?scope=application").body(), methodRate) - countedBefore,
        "each refusal counted once in rpcshield_refusals_total");
    net.p1.mode(Mode.STATUS_502);
    for (int i = 0; i < 4; i++) {
      gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}");
    }
    long expected = refused;
    AtomicReference<List<JsonNode>> logged = new AtomicReference<>();
    Eventually.within(Duration.ofSeconds(10), "the refusals and p1's state change are logged")
        .untilAsserted(() -> {
          List<JsonNode> lines = logLines(skip);
          logged.set(lines);
          assertEquals(expected, refusalLines(lines), "one line per refusal: " + lines);
          assertTrue(wentOut(lines), "p1 going out of rotation is logged: " + lines);
        });
    int keyLines = 0;
    for (JsonNode l : logged.get()) {
      if ("refusal".equals(l.path("ext_event").asText())) {
        assertEquals("ip", l.path("ext_identity").asText(), l.toString());
        // The malformed key's 401 is a refusal line of its own, refused before its body was read.
        boolean key = "-".equals(l.path("ext_method").asText());
        keyLines += key ? 1 : 0;
        assertEquals(key ? "key" : "method-rate", l.path("ext_refusal").asText(), l.toString());
        assertFalse(l.path("ext_requestId").asText().isEmpty(), l.toString());
      }
      assertFalse(l.toString().contains("kkkkkkkk"), "no key in any log line: " + l);
      assertFalse(l.toString().contains("203.0.113.9"), "no forwarded address list: " + l);
    }
    assertEquals(1, keyLines, "the malformed key's refusal is one line: " + logged.get());
  }

  @Test
  void anOperatorHoldsAndReleasesAnUpstreamThroughTheAdminApi() {
    Admin admin = new Admin(gateway);
    try {
      Gateway.Response held = admin.call("POST", "/upstreams/p1/hold", null);
      assertEquals(200, held.status(), held.body());
      assertEquals("HELD", held.json().get("state").asText(), held.body());
      assertFalse(held.json().get("inRotation").asBoolean());
      int before = net.p1.requests();
      for (int i = 0; i < 5; i++) {
        assertEquals(
            200,
            gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\"}").status());
      }
      assertEquals(before, net.p1.requests(), "a held upstream gets no traffic");
      assertEquals(
          401, admin.call("POST", "/upstreams/p2/hold", null, "wrong").status(), "needs the token");
      assertEquals(404, admin.call("POST", "/upstreams/nobody/hold", null).status());
    } finally {
      Gateway.Response released = admin.call("POST", "/upstreams/p1/release", null);
      assertEquals(200, released.status(), released.body());
    }
    Eventually.within(Duration.ofSeconds(10), "p1 back in rotation")
        .until(() -> admin.upstream("p1").get("inRotation").asBoolean());
  }

  @Test
  void theTrafficOfTheLastMinutesIsSampledForTheConsole() {
    Admin admin = new Admin(gateway);
    JsonNode before = admin.call("GET", "/traffic", null).json();
    long last =
        before.get("at").isEmpty() ? 0 : before.get("at").get(before.get("at").size() - 1).asLong();
    for (int i = 0; i < 30; i++) {
      gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\"}");
    }
    long end = Instant.now().getEpochSecond();
    JsonNode[] traffic = new JsonNode[1];
    Eventually.within(Duration.ofSeconds(15), "a sample after the calls")
        .until(() -> {
          traffic[0] = admin.call("GET", "/traffic", null).json();
          JsonNode at = traffic[0].get("at");
          return at.size() > 0 && at.get(at.size() - 1).asLong() > end;
        });
    JsonNode t = traffic[0];
    assertEquals(5, t.get("intervalSeconds").asInt());
    int points = t.get("at").size();
    assertTrue(points <= 360, "30 minutes at most");
    for (String series : new String[] {"requestsPerSecond", "errorRatio", "cacheHitRatio"}) {
      assertEquals(points, t.get(series).size(), series);
    }
    double calls = 0;
    boolean timed = false;
    for (int i = 0; i < points; i++) {
      if (t.get("at").get(i).asLong() > last) {
        calls += t.get("requestsPerSecond").get(i).asDouble() * 5;
        for (JsonNode u : t.get("upstreams")) {
          timed |= u.get("p99Ms").get(i).isNumber() && u.get("p99Ms").get(i).asDouble() > 0;
        }
      }
    }
    assertTrue(calls >= 29, "the 30 calls are in the intervals since they began: " + calls);
    assertTrue(timed, "their upstream attempts' latency: " + t.get("upstreams"));
    assertEquals(401, admin.call("GET", "/traffic", null, "wrong").status(), "needs the token");
  }

  @Test
  void theAdminApiIsDescribedByAnOpenApiDocumentOnTheOpsPort() throws IOException {
    Gateway.Response doc = gateway.ops("/openapi?format=JSON");
    assertEquals(200, doc.status(), doc.body());
    JsonNode api = doc.json();
    assertEquals("RpcShield admin API", api.at("/info/title").asText(), doc.body());
    for (String path :
        new String[] {
          "/admin/api/accounts",
          "/admin/api/accounts/{id}/keys",
          "/admin/api/usage/top",
          "/admin/api/traffic",
          "/admin/api/upstreams/{name}/hold"
        }) {
      assertTrue(api.get("paths").has(path), path + " in " + api.get("paths").fieldNames());
    }
    assertEquals("bearer", api.at("/components/securitySchemes/adminToken/scheme").asText());
    assertTrue(
        api.at("/components/schemas").toString().contains("flaggedHighRateAt"),
        "the answers' records are described: " + api.at("/components/schemas"));
    Gateway.Response onPublic =
        gateway.send(
            java.net.http.HttpRequest.newBuilder(gateway.base().resolve("/openapi")).GET().build());
    assertFalse(onPublic.body().contains("RpcShield admin API"), "not on the JSON-RPC port");
  }

  @Test
  void jmxShowsUpstreamsLimiterAndRatewatchAndTakesAnUpstreamOut() throws Exception {
    String address =
        Files.readString(SERVER.resolve("logs/state/com.ibm.ws.jmx.local.address")).trim();
    try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
      MBeanServerConnection jmx = connector.getMBeanServerConnection();
      ObjectName limiter = new ObjectName("dev.rpcshield:type=Limiter");
      assertEquals("redis", jmx.getAttribute(limiter, "Mode"));
      ObjectName ratewatch = new ObjectName("dev.rpcshield:type=Ratewatch");
      assertEquals(true, jmx.getAttribute(ratewatch, "ClusterWide"));
      long before = (Long) jmx.getAttribute(ratewatch, "Refusals");
      String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_clientVersion\"}";
      for (int i = 0; i < 6; i++) {
        gateway.post(call);
      }
      assertTrue((Long) jmx.getAttribute(ratewatch, "Refusals") > before, "refusals counted");

      ObjectName p1 = new ObjectName("dev.rpcshield:type=Upstream,name=p1");
      assertEquals(true, jmx.getAttribute(p1, "InRotation"));
      String held =
          "rpcshield_upstream_state_changes_total\\{mp_scope=\"application\",network=\"default\",to=\"HELD\",upstream=\"p1\",?\\}";
      double heldBefore = sample(gateway.ops("/metrics?scope=application").body(), held);
      jmx.invoke(p1, "takeOutOfRotation", null, null);
      // A call that costs compute units (eth_chainId costs none).
      gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\"}");
      String scrape = gateway.ops("/metrics?scope=application").body();
      assertEquals(1.0, sample(scrape, held) - heldBefore, "the state change counted");
      // Every kind of metric has a sample by now (calls, refusals, errors, a state change); the
      // cache's are CacheIT's to check, as this server runs without the cache, and the hedges'
      // FailoverIT's, which makes some.
      assertEquals(
          List.of(),
          MonitoringNames.missing(
              scrape,
              name -> !name.startsWith("rpcshield_cache_") && !name.startsWith("rpcshield_hedge")),
          "metrics the dashboard and alert rules (k8s/monitoring) use, missing from the scrape");
      try {
        int before1 = net.p1.requests();
        for (int i = 0; i < 5; i++) {
          assertEquals(
              200,
              gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}").status());
        }
        assertEquals(before1, net.p1.requests(), "a held upstream gets no traffic");
        assertEquals(false, jmx.getAttribute(p1, "InRotation"));
        assertTrue(gateway.ops("/health/ready").body().contains("\"p1\":\"HELD"));
      } finally {
        jmx.invoke(p1, "putBackInRotation", null, null);
      }
      assertEquals(true, jmx.getAttribute(p1, "InRotation"));
    }
  }
}
