package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.Eventually;
import dev.rpcshield.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Three anvil nodes that mine nothing and share no transaction pool, so that a transaction is
 * pending only where it was sent, behind two gateways of their own sharing one Redis: ONE sends a
 * transaction to the first upstream of its round-robin group that takes it, ALL to every upstream
 * at once, and again on each new head to those that lost it, for a minute.
 */
class TransactionsIT {
  private static final int REDIS_PORT = 18724;
  private static final List<Anvil> NODES =
      List.of(
          new Anvil(18721, TestNet.CHAIN_ID, "--no-mining"),
          new Anvil(18722, TestNet.CHAIN_ID, "--no-mining"),
          new Anvil(18723, TestNet.CHAIN_ID, "--no-mining"));
  private static final LibertyServer ONE = new LibertyServer("rpcshieldTxOne", 18560);
  private static final LibertyServer ALL = new LibertyServer("rpcshieldTxAll", 18561);
  private static final Gateway VIA_ONE = Gateway.at(ONE.uri());
  private static final Gateway VIA_ALL = Gateway.at(ALL.uri());
  private static final List<Gateway> DIRECT = new ArrayList<>();
  private static Process redis;

  @BeforeAll
  static void start() {
    redis = TestRedis.startServer(REDIS_PORT);
    StringBuilder upstreams = new StringBuilder();
    for (int i = 0; i < NODES.size(); i++) {
      NODES.get(i).start();
      DIRECT.add(Gateway.direct(NODES.get(i)));
      upstreams
          .append(i == 0 ? "" : ",")
          .append("u")
          .append(i + 1)
          .append('=')
          .append(NODES.get(i).url());
    }
    List<String> env =
        List.of(
            "HTTP_HOST=127.0.0.1",
            "RPCSHIELD_UPSTREAMS=" + upstreams,
            "RPCSHIELD_GROUP_DEFAULT_STRATEGY=round-robin",
            "RPCSHIELD_UPSTREAM_HEDGE_MAX_EXTRA=0",
            "RPCSHIELD_ANONYMOUS_RPS=100000",
            "RPCSHIELD_SENDER_LIMIT=0",
            "RPCSHIELD_REDIS_URL=redis://127.0.0.1:" + REDIS_PORT,
            "RPCSHIELD_ADMIN_TOKEN=" + Admin.TOKEN);
    ONE.start(env);
    List<String> all = new ArrayList<>(env);
    all.add("RPCSHIELD_TX_BROADCAST=all");
    all.add("RPCSHIELD_TX_REBROADCAST_FOR=1m");
    ALL.start(all);
    for (LibertyServer s : List.of(ONE, ALL)) {
      Eventually.within(Duration.ofSeconds(20), "every upstream takes traffic")
          .until(() -> {
            JsonNode list = new Admin(s.client()).call("GET", "/upstreams", null).json();
            for (JsonNode u : list) {
              if (!u.get("inRotation").asBoolean()) {
                return false;
              }
            }
            return list.size() == 3;
          });
    }
  }

  @AfterAll
  static void stop() {
    ONE.stop();
    ALL.stop();
    NODES.forEach(Anvil::close);
    if (redis != null) {
      redis.destroyForcibly();
    }
  }

  private static String hashOf(String raw) {
    return Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(raw)));
  }

  private static String send(Gateway gateway, String raw) {
    return gateway.call("eth_sendRawTransaction", "[\"" + raw + "\"]").asText();
  }

  /** How many of the nodes hold the transaction. */
  private static long holding(String hash) {
    return DIRECT.stream()
        .filter(d -> !d.call("eth_getTransactionByHash", "[\"" + hash + "\"]").isNull())
        .count();
  }

  private static String pendingCount(Gateway gateway, Credentials who) {
    return gateway
        .call("eth_getTransactionCount", "[\"" + who.getAddress() + "\",\"pending\"]")
        .asText();
  }

  @Test
  void broadcastToAllPutsTheTransactionInEveryUpstreamsPool() {
    String raw = DevAccounts.transfer(DevAccounts.ALICE, 0, 1);
    assertEquals(hashOf(raw), send(VIA_ALL, raw));
    assertEquals(3, holding(hashOf(raw)));
  }

  @Test
  void aResentTransactionGetsItsHashEvenWhereTheNodeSaysItHasItOrItsNonceWasUsed() {
    String raw = DevAccounts.transfer(DevAccounts.BOB, 0, 2);
    String hash = hashOf(raw);
    for (int i = 0; i < 4; i++) {
      assertEquals(hash, send(VIA_ONE, raw), "send " + (i + 1));
    }
    assertEquals(3, holding(hash), "round robin took it to each node; the fourth time it had it");
    Gateway.Response own =
        DIRECT
            .get(0)
            .post(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\",\"params\":[\""
                    + raw
                    + "\"]}");
    assertTrue(own.json().has("error"), "the node itself refuses it: " + own.body());

    for (Gateway d : DIRECT) {
      d.call("anvil_mine", "[\"0x1\"]");
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(hash, send(VIA_ONE, raw), "resent after it was mined: nonce too low, but it");
    }
    String other = DevAccounts.transfer(DevAccounts.BOB, 0, 3);
    Gateway.Response reused =
        VIA_ONE.post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\",\"params\":[\""
                + other
                + "\"]}");
    assertTrue(
        reused.json().path("error").path("message").asText().contains("nonce"),
        "another transaction of a mined nonce gets the node's error: " + reused.body());
  }

  @Test
  void aTransactionDroppedFromEveryPoolIsSentAgainOnTheNextHeadAndIncluded() {
    Credentials dave = DevAccounts.fresh();
    for (Gateway d : DIRECT) {
      d.call("anvil_setBalance", "[\"" + dave.getAddress() + "\",\"0xde0b6b3a7640000\"]");
    }
    String raw = DevAccounts.transfer(dave, 0, 5);
    String hash = hashOf(raw);
    assertEquals(hash, send(VIA_ALL, raw));
    assertEquals(3, holding(hash));
    for (Gateway d : DIRECT) {
      d.call("anvil_dropTransaction", "[\"" + hash + "\"]");
    }
    assertEquals(0, holding(hash), "every node dropped it");
    double before = VIA_ALL.metricSum("rpcshield_tx_rebroadcasts_total\\{[^}]*\\}");
    for (Gateway d : DIRECT) {
      d.call("anvil_mine", "[\"0x1\"]");
    }
    Eventually.within(Duration.ofSeconds(20), "the next head sends it again to every node")
        .until(() -> holding(hash) == 3);
    assertTrue(VIA_ALL.metricSum("rpcshield_tx_rebroadcasts_total\\{[^}]*\\}") >= before + 3);
    double included = VIA_ALL.metricSum("rpcshield_tx_included_total\\{[^}]*\\}");
    DIRECT.get(0).call("anvil_mine", "[\"0x1\"]");
    assertFalse(
        DIRECT.get(0).call("eth_getTransactionReceipt", "[\"" + hash + "\"]").isNull(), "included");
    Eventually.within(Duration.ofSeconds(20), "the gateway sees it included")
        .until(() -> VIA_ALL.metricSum("rpcshield_tx_included_total\\{[^}]*\\}") > included);
  }

  @Test
  void tenPendingCountsThroughARoundRobinGroupAndThroughAnotherInstanceShowTheNewNonce() {
    String raw = DevAccounts.transfer(DevAccounts.CAROL, 0, 4);
    assertEquals(hashOf(raw), send(VIA_ONE, raw));
    assertEquals(1, holding(hashOf(raw)), "sent to one node only");
    long behind =
        DIRECT.stream()
            .filter(d ->
                d.call(
                        "eth_getTransactionCount",
                        "[\"" + DevAccounts.CAROL.getAddress() + "\",\"pending\"]")
                    .asText()
                    .equals("0x0"))
            .count();
    assertEquals(2, behind, "two nodes have not seen it");
    for (int i = 0; i < 10; i++) {
      assertEquals("0x1", pendingCount(VIA_ONE, DevAccounts.CAROL), "read " + (i + 1));
    }
    for (int i = 0; i < 10; i++) {
      assertEquals(
          "0x1", pendingCount(VIA_ALL, DevAccounts.CAROL), "the other instance, read " + (i + 1));
    }
    JsonNode tx = VIA_ONE.call("eth_getTransactionByHash", "[\"" + hashOf(raw) + "\"]");
    for (int i = 0; i < 3; i++) {
      assertFalse(
          VIA_ONE.call("eth_getTransactionByHash", "[\"" + hashOf(raw) + "\"]").isNull(),
          "asked of the node that took it, whichever the rotation picks");
    }
    assertEquals(hashOf(raw), tx.get("hash").asText());
  }
}
