package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.sender.SignedTransaction;
import dev.rpcshield.testing.ManualTimer;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.chain.Attempts;
import dev.rpcshield.upstream.chain.UpstreamCall;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Rebroadcast rounds over the real retry and attempt links, to nodes kept as plain state. */
class RebroadcasterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SENDER = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
  private static final String HASH = "0x" + "ab".repeat(32);
  private static final String RAW = "0x02f86b";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));
  private final List<String> asked = new ArrayList<>();

  /** A node: its pool, its mined nonce of the sender, the receipts it has. */
  private static final class Node {
    final Set<String> pool = new HashSet<>();
    long mined;
    final Set<String> receipts = new HashSet<>();
  }

  private final Map<String, Node> nodes = new HashMap<>();
  private final List<Upstream> order = new ArrayList<>();

  private final SentTransactions sent =
      new SentTransactions(
          "main",
          100,
          Duration.ofMinutes(2),
          Duration.ofMinutes(1),
          new MemoryPendingNonces(100, clock),
          clock);

  private final UpstreamTransport transport =
      (upstream, payload, timeout, clientIp, traceparent, submission) -> {
        try {
          JsonNode request = JSON.readTree(payload);
          String method = request.get("method").asText();
          asked.add(upstream.name() + " " + method);
          Node n = nodes.get(upstream.name());
          String result =
              switch (method) {
                case "eth_getTransactionCount" -> "\"0x" + Long.toHexString(n.mined) + "\"";
                case "eth_getTransactionReceipt" -> n.receipts.contains(HASH) ? "{}" : "null";
                case "eth_getTransactionByHash" ->
                    n.receipts.contains(HASH)
                        ? "{\"blockNumber\":\"0x9\"}"
                        : n.pool.contains(HASH) ? "{\"blockNumber\":null}" : "null";
                case "eth_sendRawTransaction" -> {
                  n.pool.add(HASH);
                  yield "\"" + HASH + "\"";
                }
                default -> "null";
              };
          return CompletableFuture.completedFuture(
              ("{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":" + result + "}")
                  .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          return CompletableFuture.failedFuture(e);
        }
      };

  private final UpstreamCall single = Attempts.retried(transport, clock, new ManualTimer(clock));

  private final Rebroadcaster rebroadcaster = new Rebroadcaster(sent, new AtomicLong(1), clock);

  RebroadcasterTest() {
    for (String name : List.of("u1", "u2", "u3")) {
      nodes.put(name, new Node());
      order.add(TestUpstreams.upstream(name, clock, Duration.ofSeconds(5), 0, 10, 10));
    }
    sent.accepted(new SignedTransaction(SENDER, BigInteger.valueOf(4), 31337L, 2, HASH), RAW, "u1");
    nodes.get("u1").pool.add(HASH);
    nodes.values().forEach(n -> n.mined = 4);
  }

  private void head(long head) {
    rebroadcaster.onHead(head, order, single, Duration.ofSeconds(5));
  }

  private long sends(String name) {
    return asked.stream().filter(a -> a.equals(name + " eth_sendRawTransaction")).count();
  }

  @Test
  void aTransactionGoesOnceAHeadToEachUpstreamThatDoesNotHaveIt() {
    head(10);
    assertEquals(List.of(0L, 1L, 1L), List.of(sends("u1"), sends("u2"), sends("u3")));
    assertEquals(2, sent.rebroadcasts());
    head(10);
    assertEquals(List.of(0L, 1L, 1L), List.of(sends("u1"), sends("u2"), sends("u3")), "same head");

    nodes.get("u1").pool.clear();
    nodes.get("u3").pool.clear();
    head(11);
    assertEquals(List.of(1L, 1L, 2L), List.of(sends("u1"), sends("u2"), sends("u3")));
    assertEquals(1, sent.tracked());
  }

  @Test
  void aTransactionFoundInABlockOrReplacedIsNoLongerSent() {
    nodes.get("u1").mined = 5;
    nodes.get("u1").receipts.add(HASH);
    head(10);
    assertEquals(1, sent.ended(SentTransactions.End.INCLUDED));
    assertEquals(0, sends("u2") + sends("u3"));
    head(11);
    assertEquals(0, sends("u2") + sends("u3"));
    assertEquals(0, sent.tracked());
  }

  @Test
  void aTransactionInABlockOfAnotherUpstreamThanTheFirstIsIncludedToo() {
    nodes.get("u2").mined = 5;
    nodes.get("u2").receipts.add(HASH);
    head(10);
    assertEquals(1, sent.ended(SentTransactions.End.INCLUDED));
    head(11);
    assertEquals(0, sends("u2"));
    assertEquals(0, sent.tracked());
  }

  @Test
  void anotherTransactionOfItsNonceMinedEndsItAsReplaced() {
    nodes.get("u1").mined = 5;
    head(10);
    assertEquals(1, sent.ended(SentTransactions.End.REPLACED));
    assertEquals(0, sends("u2") + sends("u3"));
  }

  @Test
  void afterRebroadcastForItExpires() {
    clock.advance(Duration.ofSeconds(61));
    head(10);
    assertEquals(1, sent.ended(SentTransactions.End.EXPIRED));
    assertEquals(List.of(), asked);
    assertEquals(List.of("u1"), sent.takenBy(HASH), "still known for the pending nonce's while");
  }
}
