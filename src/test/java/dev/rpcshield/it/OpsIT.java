package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.it.ChaosProxy.Mode;
import java.net.http.HttpRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Health and metrics as an operator's tooling sees them. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OpsIT {
  private final TestNet net = TestNet.get();
  private final Gateway gateway = new Gateway();

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Deployments.gateway();
  }

  @AfterEach
  void heal() {
    net.heal();
  }

  /** Waits until every default upstream is back in rotation after an earlier test's faults. */
  @BeforeEach
  void allInRotation() {
    net.heal();
    java.time.Instant until = java.time.Instant.now().plusSeconds(15);
    while (java.time.Instant.now().isBefore(until)) {
      String body = get("/health/ready").body();
      if (body.contains("\"p1\":\"CLOSED") && body.contains("\"p2\":\"CLOSED")) {
        return;
      }
    }
    throw new AssertionError("upstreams did not return to rotation");
  }

  private Gateway.Response get(String path) {
    return gateway.send(HttpRequest.newBuilder(gateway.base().resolve(path)).GET().build());
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
  void readinessNamesEveryUpstreamAndLivenessAndStartupAreUp() {
    Gateway.Response ready = get("/health/ready");
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
    assertEquals(200, get("/health/live").status());
    assertEquals(200, get("/health/started").status());
  }

  @Test
  void readinessFailsWhenNoUpstreamIsInRotation() {
    net.p1.mode(Mode.STATUS_502);
    net.p2.mode(Mode.STATUS_502);
    for (int i = 0; i < 4; i++) {
      gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}");
    }
    Gateway.Response ready = get("/health/ready");
    assertTrue(
        ready.body().contains("\"p1\":\"OPEN") && ready.body().contains("\"p2\":\"OPEN"),
        ready.body());
  }

  @Test
  void metricsCountRequestsByMethodOutcomeAndIdentityWithoutKeys() {
    String before = get("/metrics?scope=application").body();
    gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}");
    gateway.postTo("/v1/secretkey123", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}");
    gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_peers\"}");
    Gateway.Response r = get("/metrics?scope=application");
    assertEquals(200, r.status());
    String after = r.body();
    String okIp = "rpcshield_requests_total\\{identity=\"ip\",method=\"eth_chainId\",mp_scope=\"application\",outcome=\"ok\",?\\}";
    assertEquals(1.0, sample(after, okIp) - sample(before, okIp), after);
    String refused = "rpcshield_requests_total\\{identity=\"ip\",method=\"other\",mp_scope=\"application\",outcome=\"refused\",?\\}";
    assertEquals(1.0, sample(after, refused) - sample(before, refused));
    assertTrue(after.contains("rpcshield_request_duration_seconds_bucket"), "latency histogram");
    assertTrue(after.contains("rpcshield_upstream_in_rotation{mp_scope=\"application\",upstream=\"p1\",}"));
    assertFalse(after.contains("secretkey123"), "no API key in any label");
    assertFalse(after.contains("admin_peers"), "refused method names do not create series");
  }
}
