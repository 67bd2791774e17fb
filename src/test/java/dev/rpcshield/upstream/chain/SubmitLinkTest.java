package dev.rpcshield.upstream.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.testing.ManualTimer;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.Deadline;
import dev.rpcshield.upstream.MemoryPendingNonces;
import dev.rpcshield.upstream.SentTransactions;
import dev.rpcshield.upstream.TestUpstreams;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamTransport;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * Submissions over the real failover, retry and attempt links, to upstreams that answer as nodes
 * do: taking a transaction, refusing it with the chain's error, already holding it, or gone.
 */
class SubmitLinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Credentials KEY =
      Credentials.create("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  private static final String RAW = signed(7);
  private static final String HASH =
      Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(RAW)));
  private static final String SENDER = KEY.getAddress().toLowerCase();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));
  private final ManualTimer timer = new ManualTimer(clock);
  private final List<String> asked = new ArrayList<>();
  private final Map<String, Upstream> upstreams =
      Map.of("u1", upstream("u1"), "u2", upstream("u2"), "u3", upstream("u3"));

  /** How each upstream answers a method: the JSON of its result or error member, or null: gone. */
  private final Map<String, Function<String, String>> nodes = new HashMap<>();

  private final SentTransactions sent =
      new SentTransactions(
          "main",
          100,
          Duration.ofMinutes(2),
          Duration.ZERO,
          new MemoryPendingNonces(100, clock),
          clock);

  private static String signed(long nonce) {
    RawTransaction tx =
        RawTransaction.createEtherTransaction(
            31337L,
            BigInteger.valueOf(nonce),
            BigInteger.valueOf(21_000),
            "0x00000000000000000000000000000000c0ffee01",
            BigInteger.ONE,
            BigInteger.valueOf(1_000_000_000L),
            BigInteger.valueOf(2_000_000_000L));
    return Numeric.toHexString(TransactionEncoder.signMessage(tx, KEY));
  }

  private Upstream upstream(String name) {
    return TestUpstreams.upstream(name, clock, Duration.ofSeconds(5), 0, 10, 10);
  }

  private final UpstreamTransport transport =
      (upstream, payload, timeout, clientIp, traceparent, submission) -> {
        try {
          JsonNode request = JSON.readTree(payload);
          String method = request.get("method").asText();
          asked.add(upstream.name() + " " + method);
          String member = nodes.getOrDefault(upstream.name(), m -> null).apply(method);
          if (member == null) {
            return CompletableFuture.failedFuture(new ConnectException("refused"));
          }
          return CompletableFuture.completedFuture(
              ("{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + "," + member + "}")
                  .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          return CompletableFuture.failedFuture(e);
        }
      };

  private static Function<String, String> answering(Map<String, String> byMethod) {
    return m -> byMethod.getOrDefault(m, "\"result\":null");
  }

  private static String error(String message) {
    return "\"error\":{\"code\":-32000,\"message\":\"" + message + "\"}";
  }

  private UpstreamCall chain(boolean broadcastAll) {
    UpstreamCall retried = Attempts.retried(transport, clock, timer);
    return new SubmitLink(
        new FailoverLink(retried), retried, sent, broadcastAll, new AtomicLong(1000));
  }

  private Outcome send(UpstreamCall chain, String method, String params, String... order) {
    List<Upstream> route = new ArrayList<>();
    for (String name : order) {
      route.add(upstreams.get(name));
    }
    RpcCall call = RpcCall.of(method, params);
    boolean submits = method.equals("eth_sendRawTransaction");
    CompletableFuture<Outcome> f =
        chain
            .call(
                Exchange.of(List.of(call), Deadline.after(clock, Duration.ofSeconds(5)), null, null)
                    .routed(
                        new Exchange.Route(
                            ("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\""
                                    + method
                                    + "\",\"params\":"
                                    + params
                                    + "}")
                                .getBytes(StandardCharsets.UTF_8),
                            new long[] {7},
                            false,
                            submits,
                            route)))
            .toCompletableFuture();
    assertTrue(f.isDone());
    return f.join();
  }

  private Outcome submit(UpstreamCall chain, String raw, String... order) {
    return send(chain, "eth_sendRawTransaction", "[\"" + raw + "\"]", order);
  }

  private static JsonNode answer(Outcome o) throws IOException {
    CallResult r = o.results().get(0);
    byte[] body = r instanceof CallResult.Answer a ? a.body() : ((CallResult.Failure) r).body();
    return JSON.readTree(body);
  }

  private long sends(String upstream) {
    return asked.stream().filter(a -> a.equals(upstream + " eth_sendRawTransaction")).count();
  }

  @Test
  void broadcastToAllAnswersTheHashWhenOneTakesItAndCountsTheOthersRefusals() throws IOException {
    nodes.put("u1", answering(Map.of("eth_sendRawTransaction", error("insufficient funds"))));
    nodes.put("u2", answering(Map.of("eth_sendRawTransaction", "\"result\":\"" + HASH + "\"")));
    nodes.put("u3", m -> null);
    Outcome o = submit(chain(true), RAW, "u1", "u2", "u3");
    assertEquals(HASH, answer(o).get("result").asText());
    assertEquals(List.of(1L, 1L, 1L), List.of(sends("u1"), sends("u2"), sends("u3")));
    assertEquals(1, upstreams.get("u1").transactionRefusals());
    assertEquals(0, upstreams.get("u2").transactionRefusals());
    assertEquals(1, upstreams.get("u3").transactionRefusals());
    assertEquals(List.of("u2"), sent.takenBy(HASH));
  }

  @Test
  void whenEveryUpstreamRefusesTheClientGetsTheChainsOwnError() throws IOException {
    nodes.put("u1", m -> null);
    nodes.put(
        "u2",
        answering(
            Map.of("eth_sendRawTransaction", error("insufficient funds for gas * price + value"))));
    Outcome o = submit(chain(true), RAW, "u1", "u2");
    assertEquals(
        "insufficient funds for gas * price + value",
        answer(o).get("error").get("message").asText());
    assertEquals(List.of(), sent.takenBy(HASH));
    assertEquals(null, sent.highestNonce(SENDER));
  }

  @Test
  void anAnswerThatTheTransactionIsAlreadyThereIsItsHash() throws IOException {
    for (String message :
        List.of(
            "already known",
            "AlreadyKnown",
            "ALREADY_KNOWN",
            "Known transaction",
            "transaction already imported")) {
      nodes.put("u1", answering(Map.of("eth_sendRawTransaction", error(message))));
      Outcome o = submit(chain(false), RAW, "u1", "u2");
      assertEquals(HASH, answer(o).get("result").asText(), message);
    }
    assertEquals(5, sends("u1"));
    assertEquals(0, sends("u2"), "never sent on when taken");

    nodes.put("u1", answering(Map.of("eth_sendRawTransaction", error("unknown transaction type"))));
    assertEquals(
        "unknown transaction type",
        answer(submit(chain(false), RAW, "u1")).get("error").get("message").asText(),
        "a refusal that merely holds the letters of one is not taken for one");
  }

  @Test
  void nonceTooLowIsTheHashOnlyWhenThatVeryTransactionIsFound() throws IOException {
    nodes.put(
        "u1",
        answering(
            Map.of(
                "eth_sendRawTransaction",
                error("nonce too low: next nonce 8, tx nonce 7"),
                "eth_getTransactionByHash",
                "\"result\":{\"hash\":\"" + HASH + "\"}")));
    nodes.put("u2", answering(Map.of()));
    assertEquals(HASH, answer(submit(chain(false), RAW, "u1", "u2")).get("result").asText());

    nodes.put(
        "u1",
        answering(
            Map.of("eth_sendRawTransaction", error("nonce too low: next nonce 8, tx nonce 7"))));
    JsonNode refused = answer(submit(chain(false), RAW, "u1", "u2"));
    assertTrue(
        refused.get("error").get("message").asText().startsWith("nonce too low"),
        refused.toString());
    assertTrue(asked.contains("u2 eth_getTransactionByHash"), "every upstream was asked");
  }

  @Test
  void aSendersPendingCountNeverGoesBackWhileItsTransactionIsOnItsWay() throws IOException {
    nodes.put("u1", answering(Map.of("eth_sendRawTransaction", "\"result\":\"" + HASH + "\"")));
    nodes.put("u2", answering(Map.of("eth_getTransactionCount", "\"result\":\"0x2\"")));
    nodes.put("u3", answering(Map.of("eth_getTransactionCount", "\"result\":\"0x9\"")));
    UpstreamCall chain = chain(false);
    submit(chain, RAW, "u1");
    String pending = "[\"" + KEY.getAddress() + "\",\"pending\"]";
    assertEquals(
        "0x8",
        answer(send(chain, "eth_getTransactionCount", pending, "u2")).get("result").asText());
    assertEquals(
        "0x9",
        answer(send(chain, "eth_getTransactionCount", pending, "u3")).get("result").asText(),
        "an upstream that knows more answers");
    String latest = "[\"" + KEY.getAddress() + "\",\"latest\"]";
    assertEquals(
        "0x2", answer(send(chain, "eth_getTransactionCount", latest, "u2")).get("result").asText());

    clock.advance(Duration.ofMinutes(3));
    assertEquals(
        "0x2",
        answer(send(chain, "eth_getTransactionCount", pending, "u2")).get("result").asText(),
        "forgotten after rpcshield.tx.pending-nonce-for");
  }

  @Test
  void aTransactionAnUpstreamDoesNotKnowIsAskedOfOneThatTookIt() throws IOException {
    nodes.put(
        "u1",
        answering(
            Map.of(
                "eth_sendRawTransaction",
                "\"result\":\"" + HASH + "\"",
                "eth_getTransactionByHash",
                "\"result\":{\"hash\":\"" + HASH + "\",\"nonce\":\"0x7\"}")));
    nodes.put("u2", answering(Map.of()));
    UpstreamCall chain = chain(false);
    submit(chain, RAW, "u1");
    JsonNode tx = answer(send(chain, "eth_getTransactionByHash", "[\"" + HASH + "\"]", "u2", "u1"));
    assertEquals("0x7", tx.get("result").get("nonce").asText());
    assertEquals(1, tx.get("id").asInt(), "the client's id, not the gateway's (7)");
    String other = "0x" + "12".repeat(32);
    assertTrue(
        answer(send(chain, "eth_getTransactionByHash", "[\"" + other + "\"]", "u2", "u1"))
            .get("result")
            .isNull());
  }
}
