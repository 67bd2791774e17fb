package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway of its own in front of one anvil node reached through three relays, u1 first in line:
 * eth_getBalance and eth_call are under consensus (three asked, two must agree). u1 lies about
 * balances and calls; the others tell the truth, u3 a little late, so that u1's lie has arrived
 * before the truth has its two votes.
 */
class ConsensusIT {
  private static final Anvil NODE = new Anvil(18681, 31337);
  private static final LibertyServer SERVER = new LibertyServer("rpcshieldConsensus", 18557);
  private static final Gateway GATEWAY = Gateway.at(SERVER.uri());
  private static final Gateway DIRECT = Gateway.direct(NODE);
  private static final Admin ADMIN = new Admin(GATEWAY);
  private static final String BALANCE = "[\"" + DevAccounts.SINK + "\",\"latest\"]";
  private static final String CALL =
      "[{\"to\":\"" + DevAccounts.SINK + "\",\"data\":\"0x\"},\"latest\"]";
  private static Relays relays;
  private static ChaosProxy u1;
  private static ChaosProxy u2;
  private static ChaosProxy u3;

  @BeforeAll
  static void start() {
    NODE.start();
    relays = new Relays(URI.create(NODE.url()), 18682, 3);
    u1 = relays.u(1);
    u2 = relays.u(2);
    u3 = relays.u(3);
    SERVER.start(
        Relays.gateway(
            relays.upstreams(1, 2, 3),
            "RPCSHIELD_CONSENSUS_METHODS=eth_getBalance,eth_call",
            "RPCSHIELD_UPSTREAM_TIMEOUT=5s"));
  }

  @AfterAll
  static void stop() {
    SERVER.stop();
    relays.close();
    NODE.close();
  }

  @AfterEach
  void honestAgain() {
    relays.honest();
  }

  private static void liarFirstTruthLate() {
    u1.mode(ChaosProxy.Mode.LIE);
    u3.slowMillis(300);
    u3.mode(ChaosProxy.Mode.SLOW);
  }

  @Test
  void withALiarFirstInLineEveryAnswerIsTheNodesOwnAndTheLiarIsCounted() throws Exception {
    liarFirstTruthLate();
    long before = disagreements("u1");
    double balanceBefore = balanceDisagreementsOfU1();
    JsonNode balance = DIRECT.call("eth_getBalance", BALANCE);
    JsonNode call = DIRECT.call("eth_call", CALL);
    for (int i = 0; i < 5; i++) {
      assertEquals(balance, GATEWAY.call("eth_getBalance", BALANCE));
      assertEquals(call, GATEWAY.call("eth_call", CALL));
    }
    JsonNode seen =
        DappClients.run(
            GATEWAY.base().toString(),
            "[[\"eth_getBalance\"," + BALANCE + "],[\"eth_call\"," + CALL + "]]");
    for (String client : List.of("viem", "ethers")) {
      assertEquals(balance, seen.get(client).get(0).get("result"), client + " " + seen);
      assertEquals(call, seen.get(client).get(1).get("result"), client + " " + seen);
    }
    assertTrue(u1.bodies().stream().anyMatch(b -> b.contains("eth_getBalance")), "u1 was asked");
    assertEquals(14, disagreements("u1") - before, "every answer of u1's was a lie");
    assertEquals(0, disagreements("u2"));
    assertEquals(0, disagreements("u3"));
    assertEquals(7, balanceDisagreementsOfU1() - balanceBefore);
  }

  private static long disagreements(String upstream) {
    return ADMIN.upstream(upstream).get("disagreements").asLong();
  }

  private static double balanceDisagreementsOfU1() {
    return GATEWAY.metricSum(
        "rpcshield_upstream_disagreements_total\\{(?=[^}]*method=\"eth_getBalance\")"
            + "(?=[^}]*upstream=\"u1\")[^}]*}");
  }

  @Test
  void eachCallOfABatchUnderConsensusIsComparedOnItsOwn() {
    liarFirstTruthLate();
    JsonNode balance = DIRECT.call("eth_getBalance", BALANCE);
    Gateway.Response r =
        GATEWAY.post(
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":"
                + BALANCE
                + "},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_chainId\",\"params\":[]},"
                + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_getBalance\",\"params\":"
                + BALANCE
                + "}]");
    assertEquals(200, r.status(), r.body());
    assertEquals(balance, r.json().get(0).get("result"), r.body());
    assertEquals("0x7a69", r.json().get(1).get("result").asText(), r.body());
    assertEquals(balance, r.json().get(2).get("result"), r.body());
  }

  @Test
  void withOnlyLiarsTheClientIsToldTheyDisagreeAndGetsNoneOfTheirAnswers() {
    for (ChaosProxy p : List.of(u1, u2, u3)) {
      p.mode(ChaosProxy.Mode.LIE);
    }
    Gateway.Response r =
        GATEWAY.post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":"
                + BALANCE
                + "}");
    assertEquals(502, r.status(), r.body());
    assertEquals(-32041, r.json().get("error").get("code").asInt(), r.body());
    assertEquals(
        "upstreams disagree: at most 1 of 3 answers agreed, 2 needed",
        r.json().get("error").get("message").asText());
    assertTrue(!r.body().contains("0xdead"), r.body());
  }

  @Test
  void aMethodNotUnderConsensusIsAskedOfOneUpstream() {
    GATEWAY.call("eth_getTransactionCount", BALANCE);
    long asked =
        List.of(u1, u2, u3).stream()
            .filter(p -> p.bodies().stream().anyMatch(b -> b.contains("eth_getTransactionCount")))
            .count();
    assertEquals(1, asked);
  }
}
