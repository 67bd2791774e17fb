package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway of its own whose WebSocket upstreams are two relays of one anvil node, which follows
 * both at once and polls heads only every 4 s. With either relay holding the node's messages back
 * by seconds, blocks come as soon as the other shows them, once each. With both cut while the node
 * mines, the newHeads subscriber gets every block once, in order, the ones mined while no upstream
 * stream ran fetched over HTTP before the next live one. A subscriber that resumes from an earlier
 * block gets the blocks since then first; one from further back than the 8 blocks it replays here
 * is refused. A reorg only the head polls see is delivered as a node delivers one.
 */
class HeadsGapIT {
  private static final Anvil NODE = new Anvil(18731, TestNet.CHAIN_ID);
  private static final LibertyServer SERVER = new LibertyServer("rpcshieldHeads", 18562);
  private static final Gateway DIRECT = Gateway.direct(NODE);
  private static final Duration LAG = Duration.ofSeconds(5);
  private static final String NEW_HEADS =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}";
  private static TcpProxy w1;
  private static TcpProxy w2;

  @BeforeAll
  static void start() {
    NODE.start();
    w1 = new TcpProxy(18732, 18731);
    w2 = new TcpProxy(18733, 18731);
    SERVER.start(
        List.of(
            "HTTP_HOST=127.0.0.1",
            "RPCSHIELD_UPSTREAMS=h=" + NODE.url(),
            "RPCSHIELD_UPSTREAMS_WS=w1=ws://127.0.0.1:18732,w2=ws://127.0.0.1:18733",
            "RPCSHIELD_ANONYMOUS_RPS=100000",
            "RPCSHIELD_SUBSCRIPTIONS_BACKFILL_BLOCKS=8",
            "RPCSHIELD_UPSTREAM_HEAD_POLL_INTERVAL=4s",
            "RPCSHIELD_UPSTREAM_UNRESPONSIVE_AFTER=10s",
            "RPCSHIELD_UPSTREAM_WS_TIMEOUT=20s",
            "RPCSHIELD_ADMIN_TOKEN=" + Admin.TOKEN));
  }

  @AfterAll
  static void stop() {
    SERVER.stop();
    w1.close();
    w2.close();
    NODE.close();
  }

  private static long number(JsonNode note) {
    return Long.decode(note.get("params").get("result").get("number").asText());
  }

  /** Every notification that comes until none has for {@code quiet}. */
  private static List<Long> untilQuiet(Socket ws, Duration quiet) {
    List<Long> seen = new ArrayList<>();
    while (true) {
      try {
        seen.add(number(ws.next((int) quiet.toSeconds())));
      } catch (AssertionError none) {
        return seen;
      }
    }
  }

  @Test
  void headsComeAsSoonAsTheFasterUpstreamShowsThemOnceEachWhicheverLags() {
    try (Socket ws = new Socket(18562, "/")) {
      ws.call(NEW_HEADS);
      // After another test cut the relays, the gateway may be pausing before it connects again.
      Eventually.within(Duration.ofSeconds(40), "the gateway follows both relays")
          .until(() -> w1.connections() > 0 && w2.connections() > 0);
      DIRECT.call("anvil_mine", "[\"0x1\"]");
      long last = number(ws.next(10));
      for (TcpProxy slow : List.of(w1, w2)) {
        slow.lag(LAG);
        try {
          List<Long> seen = new ArrayList<>();
          List<Duration> took = new ArrayList<>();
          List<Long> expected = new ArrayList<>();
          for (int i = 0; i < 5; i++) {
            DIRECT.call("anvil_mine", "[\"0x1\"]");
            long mined = System.nanoTime();
            seen.add(number(ws.next(10)));
            took.add(Duration.ofNanos(System.nanoTime() - mined));
            expected.add(last + i + 1);
          }
          // The median, so that one block slowed by the machine does not decide: a block that
          // came by the 4 s head poll or the lagging relay takes seconds.
          List<Duration> sorted = took.stream().sorted().toList();
          assertTrue(
              sorted.get(2).compareTo(Duration.ofSeconds(1)) < 0,
              "blocks came " + took + " after they were mined");
          assertTrue(sorted.get(4).compareTo(LAG) < 0, "before the lagging copy: " + took);
          seen.addAll(untilQuiet(ws, LAG.plusSeconds(1)));
          assertEquals(expected, seen, "the lagging relay's copies are dropped");
          last += 5;
        } finally {
          slow.lag(Duration.ZERO);
        }
      }
    }
  }

  @Test
  void aReorgOnlyTheHeadPollsSeeIsDeliveredAsANodeDeliversOne() {
    try (Socket ws = new Socket(18562, "/")) {
      ws.call(NEW_HEADS);
      DIRECT.call("anvil_mine", "[\"0x1\"]");
      ws.next(10);
      w1.cut();
      w2.cut();
      String snapshot = DIRECT.call("evm_snapshot", "[]").asText();
      DIRECT.call("anvil_mine", "[\"0x1\"]");
      JsonNode gone = ws.next(10).get("params").get("result");
      DIRECT.call("evm_revert", "[\"" + snapshot + "\"]");
      DIRECT.call(
          "evm_setNextBlockTimestamp",
          "[\"0x" + Long.toHexString(System.currentTimeMillis() / 1000 + 100) + "\"]");
      DIRECT.call("anvil_mine", "[\"0x2\"]");
      JsonNode replaced = ws.next(10).get("params").get("result");
      JsonNode next = ws.next(10).get("params").get("result");
      assertEquals(gone.get("number"), replaced.get("number"), "the reorged number again");
      assertNotEquals(gone.get("hash"), replaced.get("hash"));
      assertEquals(replaced.get("hash"), next.get("parentHash"));
      assertEquals(
          DIRECT.call("eth_getBlockByNumber", "[\"latest\",false]").get("hash"), next.get("hash"));
    } finally {
      w1.restore();
      w2.restore();
    }
  }

  @Test
  void blocksMinedWhileNoUpstreamStreamRanAreDeliveredInOrderBeforeTheNextOne() {
    try (Socket ws = new Socket(18562, "/")) {
      String id =
          ws.call(
                  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}")
              .get("result")
              .asText();
      DIRECT.call("anvil_mine", "[\"0x1\"]");
      long first = number(ws.next(10));

      w1.cut();
      w2.cut();
      DIRECT.call("anvil_mine", "[\"0x3\"]");
      w2.restore();
      List<Long> seen = new ArrayList<>();
      JsonNode next =
          Eventually.within(Duration.ofSeconds(30), "newHeads come again once a relay is back")
              .until(
                  () -> {
                    DIRECT.call("anvil_mine", "[\"0x1\"]");
                    try {
                      return ws.next(1);
                    } catch (AssertionError notYet) {
                      return null;
                    }
                  },
                  Objects::nonNull);
      seen.add(number(next));
      assertEquals(id, next.get("params").get("subscription").asText());
      while (true) {
        try {
          seen.add(number(ws.next(2)));
        } catch (AssertionError quiet) {
          break;
        }
      }
      long head = Long.decode(DIRECT.call("eth_blockNumber", "[]").asText());
      List<Long> expected = new ArrayList<>();
      for (long n = first + 1; n <= head; n++) {
        expected.add(n);
      }
      assertTrue(head >= first + 4, "three blocks were mined while no stream ran, then more");
      assertEquals(expected, seen, "every block once, in order");
    }
  }

  @Test
  void aSubscriptionResumedFromAnEarlierBlockGetsTheBlocksSinceThenThenTheLiveOnes() {
    DIRECT.call("anvil_mine", "[\"0x3\"]");
    long head = Long.decode(DIRECT.call("eth_blockNumber", "[]").asText());
    Admin admin = new Admin(SERVER.client());
    Eventually.within(Duration.ofSeconds(10), "the gateway sees the head")
        .until(
            () -> admin.call("GET", "/upstreams", null).json().get(0).get("head").asLong() >= head);
    try (Socket ws = new Socket(18562, "/")) {
      JsonNode sub =
          ws.call(
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\","
                  + "{\"fromBlock\":\"0x"
                  + Long.toHexString(head - 2)
                  + "\"}]}");
      String id = sub.get("result").asText();
      List<Long> seen = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        JsonNode note = ws.next(10);
        assertEquals(id, note.get("params").get("subscription").asText());
        seen.add(number(note));
      }
      assertEquals(List.of(head - 2, head - 1, head), seen, "the blocks since fromBlock first");
      DIRECT.call("anvil_mine", "[\"0x1\"]");
      assertEquals(head + 1, number(ws.next(10)), "then the live ones, no gap, no repeat");
    }
    DIRECT.call("anvil_mine", "[\"0xa\"]");
    long now = Long.decode(DIRECT.call("eth_blockNumber", "[]").asText());
    Eventually.within(Duration.ofSeconds(10), "the gateway sees the head")
        .until(
            () -> admin.call("GET", "/upstreams", null).json().get(0).get("head").asLong() >= now);
    try (Socket ws = new Socket(18562, "/")) {
      JsonNode old =
          ws.call(
              "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\","
                  + "{\"fromBlock\":\"0x"
                  + Long.toHexString(now - 9)
                  + "\"}]}");
      assertEquals(-32602, old.get("error").get("code").asInt(), old.toString());
      assertTrue(old.get("error").get("message").asText().contains("older than the 8 blocks"));
    }
  }

  /** Init code that emits LOG1 (topic 7, data 42) and deploys nothing. */
  private static final String EMIT_LOG = "0x602a600052600760206000a100";

  private static final String TOPIC = "0x" + "0".repeat(63) + "7";

  /** Mines a block holding one log; its number. */
  private static long emitLog() {
    String from = DIRECT.call("eth_accounts", "[]").get(0).asText();
    String tx =
        DIRECT
            .call(
                "eth_sendTransaction",
                "[{\"from\":\"" + from + "\",\"data\":\"" + EMIT_LOG + "\"}]")
            .asText();
    return Long.decode(DIRECT.receipt(tx).get("blockNumber").asText());
  }

  /** The node's own logs of the topic in block {@code n}. */
  private static JsonNode nodeLogs(long n) {
    String block = "\"0x" + Long.toHexString(n) + "\"";
    return DIRECT.call(
        "eth_getLogs",
        "[{\"fromBlock\":" + block + ",\"toBlock\":" + block + ",\"topics\":[\"" + TOPIC + "\"]}]");
  }

  @Test
  void logsComeFromEveryBlockOnceInOrderAcrossAGapOnResumeAndAsRemovedInAReorg() {
    String subscribe =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"logs\",{\"topics\":[\""
            + TOPIC
            + "\"]";
    List<Long> blocks = new ArrayList<>();
    try (Socket ws = new Socket(18562, "/")) {
      String id = ws.call(subscribe + "}]}").get("result").asText();
      blocks.add(emitLog());
      JsonNode first = ws.next(10);
      assertEquals(id, first.get("params").get("subscription").asText());
      assertEquals(nodeLogs(blocks.get(0)).get(0), first.get("params").get("result"));

      w1.cut();
      w2.cut();
      blocks.add(emitLog());
      blocks.add(emitLog());
      w2.restore();
      JsonNode next =
          Eventually.within(Duration.ofSeconds(30), "logs come again once a relay is back")
              .until(
                  () -> {
                    blocks.add(emitLog());
                    try {
                      return ws.next(1);
                    } catch (AssertionError notYet) {
                      return null;
                    }
                  },
                  Objects::nonNull);
      List<JsonNode> seen = new ArrayList<>(List.of(next.get("params").get("result")));
      while (true) {
        try {
          seen.add(ws.next(2).get("params").get("result"));
        } catch (AssertionError quiet) {
          break;
        }
      }
      List<JsonNode> expected = new ArrayList<>();
      for (long b : blocks.subList(1, blocks.size())) {
        expected.add(nodeLogs(b).get(0));
      }
      assertEquals(expected, seen, "the logs of the blocks mined while no stream ran first");
    }
    long last = blocks.get(blocks.size() - 1);
    Admin admin = new Admin(SERVER.client());
    Eventually.within(Duration.ofSeconds(10), "the gateway sees the head")
        .until(
            () -> admin.call("GET", "/upstreams", null).json().get(0).get("head").asLong() >= last);
    try (Socket ws = new Socket(18562, "/")) {
      ws.call(subscribe + ",\"fromBlock\":\"0x" + Long.toHexString(blocks.get(0)) + "\"}]}");
      for (long b : blocks) {
        assertEquals(nodeLogs(b).get(0), ws.next(10).get("params").get("result"), "replayed " + b);
      }

      String snapshot = DIRECT.call("evm_snapshot", "[]").asText();
      long gone = emitLog();
      JsonNode live = ws.next(10).get("params").get("result");
      assertEquals(nodeLogs(gone).get(0), live);
      DIRECT.call("evm_revert", "[\"" + snapshot + "\"]");
      DIRECT.call("anvil_mine", "[\"0x2\"]");
      JsonNode removed = ws.next(10).get("params").get("result");
      assertTrue(removed.get("removed").asBoolean(), removed.toString());
      assertEquals(live.get("transactionHash"), removed.get("transactionHash"));
    }
  }

  @Test
  void withNoUpstreamStreamAtAllBlocksComeFromTheUpstreamsHeadPolls() {
    long known = Long.decode(DIRECT.call("eth_blockNumber", "[]").asText());
    Admin admin = new Admin(SERVER.client());
    Eventually.within(Duration.ofSeconds(10), "the gateway knows the head")
        .until(() ->
            admin.call("GET", "/upstreams", null).json().get(0).get("head").asLong() >= known);
    try (Socket ws = new Socket(18562, "/")) {
      ws.call(
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}");
      w1.cut();
      w2.cut();
      long before = Long.decode(DIRECT.call("eth_blockNumber", "[]").asText());
      DIRECT.call("anvil_mine", "[\"0x3\"]");
      List<Long> seen = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        seen.add(number(ws.next(10)));
      }
      assertEquals(List.of(before + 1, before + 2, before + 3), seen);
    } finally {
      w1.restore();
      w2.restore();
    }
  }
}
