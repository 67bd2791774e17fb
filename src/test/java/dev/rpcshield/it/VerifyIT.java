package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcshield.testing.Eventually;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway of its own in front of one anvil node, with a contract that stored 42 in its slot 0,
 * reached through three relays, u1 first in line: balances, nonces, code and storage, blocks and
 * receipts are verified (proven against headers two upstreams agree on). u1 lies about balances, in
 * its proofs, in the state roots and transaction values of the blocks it gives, and in the status
 * of receipts; the others tell the truth.
 */
class VerifyIT {
  /** Stores 42 in slot 0, and leaves 5 bytes of runtime code (sstore(0, 1)). */
  private static final String INIT_CODE = "0x602a6000556005601160003960056000f36001600055";

  private static final Anvil NODE = new Anvil(18701, 31337);
  private static final LibertyServer SERVER = new LibertyServer("rpcshieldVerify", 18559);
  private static final Gateway GATEWAY = Gateway.at(SERVER.uri());
  private static final Gateway DIRECT = Gateway.direct(NODE);
  private static final Admin ADMIN = new Admin(GATEWAY);
  private static Relays relays;
  private static ChaosProxy u1;
  private static ChaosProxy u2;
  private static ChaosProxy u3;
  private static String contract;
  private static String deployer;
  private static long deployedAt;
  private static String deployTx;

  @BeforeAll
  static void start() {
    NODE.start();
    deployer = DIRECT.call("eth_accounts", "[]").get(0).asText();
    String tx =
        DIRECT
            .call(
                "eth_sendTransaction",
                "[{\"from\":\"" + deployer + "\",\"data\":\"" + INIT_CODE + "\"}]")
            .asText();
    deployTx = tx;
    JsonNode receipt = DIRECT.receipt(tx);
    contract = receipt.get("contractAddress").asText();
    deployedAt = Long.decode(receipt.get("blockNumber").asText());
    DIRECT.call("anvil_mine", "[\"0x2\"]");
    relays = new Relays(URI.create(NODE.url()), 18702, 3);
    u1 = relays.u(1);
    u2 = relays.u(2);
    u3 = relays.u(3);
    SERVER.start(
        Relays.gateway(
            relays.upstreams(1, 2, 3),
            "RPCSHIELD_VERIFY_METHODS=eth_getBalance,eth_getTransactionCount,eth_getCode,"
                + "eth_getStorageAt,eth_getBlockByNumber,eth_getBlockByHash,"
                + "eth_getTransactionReceipt",
            "RPCSHIELD_UPSTREAM_HEDGE_MAX_EXTRA=0"));
    Eventually.within(Duration.ofSeconds(20), "the gateway knows the head")
        .until(() -> ADMIN.upstream("u2").get("head").asLong() >= deployedAt + 2);
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

  private static void sameAsTheNode(String method, String params) {
    assertEquals(DIRECT.call(method, params), GATEWAY.call(method, params), method + params);
  }

  @Test
  void withALiarFirstInLineEveryVerifiedAnswerIsTheNodesOwn() {
    u1.mode(ChaosProxy.Mode.LIE);
    long before = disagreements("u1");
    long honestBefore = disagreements("u2") + disagreements("u3");
    String at = "\"0x" + Long.toHexString(deployedAt) + "\"";
    // Not block 0: anvil's genesis header carries the empty trie's root whatever it funded, so
    // no proof of its state verifies against it.
    String after = "\"0x" + Long.toHexString(deployedAt + 1) + "\"";
    for (String block : List.of(at, after, "\"latest\"")) {
      sameAsTheNode("eth_getBalance", "[\"" + deployer + "\"," + block + "]");
      sameAsTheNode("eth_getTransactionCount", "[\"" + deployer + "\"," + block + "]");
      sameAsTheNode("eth_getCode", "[\"" + contract + "\"," + block + "]");
      sameAsTheNode("eth_getStorageAt", "[\"" + contract + "\",\"0x0\"," + block + "]");
      sameAsTheNode("eth_getStorageAt", "[\"" + contract + "\",\"0x1\"," + block + "]");
      sameAsTheNode(
          "eth_getBalance", "[\"0x00000000000000000000000000000000000000aa\"," + block + "]");
    }
    assertEquals(
        "0x000000000000000000000000000000000000000000000000000000000000002a",
        GATEWAY.call("eth_getStorageAt", "[\"" + contract + "\",\"0x0\"," + at + "]").asText());
    assertTrue(disagreements("u1") > before, "u1's lies were counted");
    assertEquals(honestBefore, disagreements("u2") + disagreements("u3"));
  }

  /** The node's own block or receipt, without what the chain does not commit to. */
  private static JsonNode committed(JsonNode answer) {
    ObjectNode copy = answer.deepCopy();
    copy.remove(List.of("totalDifficulty", "blobGasPrice"));
    return copy;
  }

  @Test
  void withALiarFirstInLineBlocksAndReceiptsAreTheNodesOwnButForWhatTheChainDoesNotCommitTo()
      throws Exception {
    u1.mode(ChaosProxy.Mode.LIE);
    long before = disagreements("u1");
    String at = "\"0x" + Long.toHexString(deployedAt) + "\"";
    for (String block : List.of(at, "\"latest\"")) {
      for (String full : List.of("false", "true")) {
        String params = "[" + block + "," + full + "]";
        JsonNode own = DIRECT.call("eth_getBlockByNumber", params);
        assertTrue(own.has("totalDifficulty"), "anvil gives a total difficulty");
        assertEquals(committed(own), GATEWAY.call("eth_getBlockByNumber", params), params);
        String byHash = "[\"" + own.get("hash").asText() + "\"," + full + "]";
        assertEquals(committed(own), GATEWAY.call("eth_getBlockByHash", byHash), byHash);
      }
    }
    String receipt = "[\"" + deployTx + "\"]";
    JsonNode own = committed(DIRECT.call("eth_getTransactionReceipt", receipt));
    assertEquals(own, GATEWAY.call("eth_getTransactionReceipt", receipt));
    assertTrue(disagreements("u1") > before, "u1's lies were counted");

    JsonNode seen =
        DappClients.run(
            SERVER.uri().toString(),
            "[[\"eth_getTransactionReceipt\","
                + receipt
                + "],"
                + "[\"eth_getTransactionReceipt\",[\"0x"
                + "99".repeat(32)
                + "\"]],"
                + "[\"eth_getBlockByNumber\",["
                + at
                + ",true]]]");
    JsonNode block = committed(DIRECT.call("eth_getBlockByNumber", "[" + at + ",true]"));
    for (String client : List.of("viem", "ethers")) {
      assertEquals(own, seen.get(client).get(0).get("result"), client);
      assertTrue(seen.get(client).get(1).get("result").isNull(), client + ": not mined is null");
      assertEquals(block, seen.get(client).get(2).get("result"), client);
    }
  }

  private static long disagreements(String upstream) {
    return ADMIN.upstream(upstream).get("disagreements").asLong();
  }

  @Test
  void withOnlyLiarsTheClientIsToldTheAnswerCouldNotBeVerified() {
    for (ChaosProxy p : List.of(u1, u2, u3)) {
      p.mode(ChaosProxy.Mode.LIE);
    }
    Gateway.Response r =
        GATEWAY.post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[\""
                + deployer
                + "\",\"0x"
                + Long.toHexString(deployedAt)
                + "\"]}");
    assertEquals(502, r.status(), r.body());
    assertEquals(-32040, r.json().get("error").get("code").asInt(), r.body());
    assertTrue(
        r.json().get("error").get("message").asText().startsWith("answer could not be verified"),
        r.body());
    assertTrue(!r.body().contains("0xdead"), r.body());
  }

  @Test
  void theParamsOfAVerifiedCallAreCheckedAndThePendingStateIsNotProven() {
    Gateway.Response bad =
        GATEWAY.post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[\"0x12\"]}");
    assertEquals(-32602, bad.json().get("error").get("code").asInt(), bad.body());
    Gateway.Response pending =
        GATEWAY.post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[\""
                + deployer
                + "\",\"pending\"]}");
    assertEquals(-32040, pending.json().get("error").get("code").asInt(), pending.body());
  }
}
