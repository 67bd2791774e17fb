package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.Eventually;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway of its own in front of one anvil node of 100 blocks (a transaction in the first),
 * reached through three relays in this order: u3, configured to keep the state of 2 recent blocks;
 * u1, which keeps the state of blocks 95 and later and answers older state calls with geth's
 * pruned-state error; u2, an archive.
 */
class AnswerChecksIT {
  private static final Anvil NODE = new Anvil(18691, 31337);
  private static final LibertyServer SERVER = new LibertyServer("rpcshieldArchive", 18558);
  private static final Gateway GATEWAY = Gateway.at(SERVER.uri());
  private static final Gateway DIRECT = Gateway.direct(NODE);
  private static final Admin ADMIN = new Admin(GATEWAY);
  private static Relays relays;
  private static String transaction;
  private static ChaosProxy u1;
  private static ChaosProxy u2;
  private static ChaosProxy u3;

  @BeforeAll
  static void start() {
    NODE.start();
    String from = DIRECT.call("eth_accounts", "[]").get(0).asText();
    transaction =
        DIRECT
            .call(
                "eth_sendTransaction",
                "[{\"from\":\""
                    + from
                    + "\",\"to\":\""
                    + DevAccounts.SINK
                    + "\",\"value\":\"0x1\"}]")
            .asText();
    DIRECT.call("anvil_mine", "[\"0x63\"]");
    relays = new Relays(URI.create(NODE.url()), 18692, 3);
    u1 = relays.u(1);
    u2 = relays.u(2);
    u3 = relays.u(3);
    u1.prunedBelow(95);
    u1.mode(ChaosProxy.Mode.PRUNE);
    SERVER.start(
        Relays.gateway(
            relays.upstreams(3, 1, 2),
            "RPCSHIELD_UPSTREAM_U3_STATE_BLOCKS=2",
            "RPCSHIELD_UPSTREAM_HEDGE_MAX_EXTRA=0"));
    Eventually.within(Duration.ofSeconds(20), "every upstream's head is known")
        .until(() -> {
          for (String u : List.of("u1", "u2", "u3")) {
            if (ADMIN.upstream(u).get("head").asLong() != 100) {
              return false;
            }
          }
          return true;
        });
  }

  @AfterAll
  static void stop() {
    SERVER.stop();
    relays.close();
    NODE.close();
  }

  private static String balanceAt(long block) {
    return "[\"" + DevAccounts.ALICE.getAddress() + "\",\"0x" + Long.toHexString(block) + "\"]";
  }

  private static long balanceCalls(ChaosProxy p) {
    return p.bodies().stream().filter(b -> b.contains("eth_getBalance")).count();
  }

  @Test
  void aPrunedUpstreamAnswersNoOldStateCallAfterItShowedItselfPruned() {
    u1.reset();
    u2.reset();
    u3.reset();
    JsonNode expected = DIRECT.call("eth_getBalance", balanceAt(5));
    assertEquals(expected, GATEWAY.call("eth_getBalance", balanceAt(5)));
    assertEquals(1, balanceCalls(u1), "u1 was asked once and said it pruned block 5");
    assertEquals(6, ADMIN.upstream("u1").get("stateFrom").asLong());

    for (long block = 1; block <= 5; block++) {
      assertEquals(
          DIRECT.call("eth_getBalance", balanceAt(block)),
          GATEWAY.call("eth_getBalance", balanceAt(block)));
    }
    assertEquals(1, balanceCalls(u1), "no older state call reached u1 again");
    assertEquals(0, balanceCalls(u3), "u3 keeps 2 blocks: never asked for block 5 or older");
    assertEquals(6, balanceCalls(u2));

    assertEquals(
        DIRECT.call("eth_getBalance", balanceAt(96)),
        GATEWAY.call("eth_getBalance", balanceAt(96)));
    assertEquals(2, balanceCalls(u1), "state u1 keeps still goes to it first after u3");
    assertEquals(0, balanceCalls(u3));
    assertEquals(99, ADMIN.upstream("u3").get("stateFrom").asLong());
  }

  @Test
  void whenNoUpstreamKeepsTheStateTheClientIsToldWhy() {
    // Block 0: what u2 learns here keeps it from no call of the other test.
    u2.prunedBelow(1);
    u2.mode(ChaosProxy.Mode.PRUNE);
    try {
      Gateway.Response r =
          GATEWAY.post(
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":"
                  + balanceAt(0)
                  + "}");
      assertEquals(503, r.status(), r.body());
      JsonNode error = r.json().get("error");
      assertEquals(-32011, error.get("code").asInt(), r.body());
      String message = error.get("message").asText();
      assertTrue(message.contains("u3: keeps no state of block 0 (only from block 99)"), message);
      assertTrue(message.contains("u1: keeps no state of block 0"), message);
      assertTrue(message.contains("u2: keeps no state of block 0"), message);
      assertTrue(!message.contains("127.0.0.1") && !message.contains("trie"), message);
    } finally {
      u2.mode(ChaosProxy.Mode.FORWARD);
    }
  }

  @Test
  void logsOutsideTheAskedRangeAndNullBlocksTheHeadSaysExistAreNotServed() {
    long before = ADMIN.upstream("u3").get("disagreements").asLong();
    u3.mode(ChaosProxy.Mode.INCONSISTENT);
    try {
      String logs = "[{\"fromBlock\":\"0x1\",\"toBlock\":\"0x5\"}]";
      assertEquals(DIRECT.call("eth_getLogs", logs), GATEWAY.call("eth_getLogs", logs));
      String block = "[\"0x5\",false]";
      assertEquals(
          DIRECT.call("eth_getBlockByNumber", block), GATEWAY.call("eth_getBlockByNumber", block));
      assertEquals(2, ADMIN.upstream("u3").get("disagreements").asLong() - before);
    } finally {
      u3.mode(ChaosProxy.Mode.FORWARD);
    }
  }

  @Test
  void aTransactionOrReceiptOfAnotherBlockThanTheCanonicalOneIsNotServed() {
    u3.mode(ChaosProxy.Mode.INCONSISTENT);
    try {
      String hash = "[\"" + transaction + "\"]";
      assertEquals(
          DIRECT.call("eth_getTransactionReceipt", hash),
          GATEWAY.call("eth_getTransactionReceipt", hash));
      assertEquals(
          DIRECT.call("eth_getTransactionByHash", hash),
          GATEWAY.call("eth_getTransactionByHash", hash));
      assertTrue(
          u3.bodies().stream().anyMatch(b -> b.contains("eth_getTransactionReceipt")),
          "u3 was asked first");
    } finally {
      u3.mode(ChaosProxy.Mode.FORWARD);
    }
  }
}
