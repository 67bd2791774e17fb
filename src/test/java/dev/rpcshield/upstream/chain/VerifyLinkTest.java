package dev.rpcshield.upstream.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.testing.ManualTimer;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.Deadline;
import dev.rpcshield.upstream.TestUpstreams;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamTransport;
import dev.rpcshield.upstream.UpstreamsConfig;
import dev.rpcshield.verify.BlockHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Verified answers over the real failover, retry and attempt links, from upstreams that answer with
 * anvil's own answers (recorded in the verify fixtures), some of them rewritten as a liar would: a
 * balance in a proof, a state root in a header.
 */
class VerifyLinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EOA = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

  /** Methods a node answers null for what it does not know (a block or transaction hash). */
  private static final Set<String> UNKNOWN_IS_NULL =
      Set.of("eth_getBlockByHash", "eth_getTransactionReceipt");

  private static final JsonNode PROOFS = fixture("anvil-prague-proofs.json");
  private static final JsonNode TXS = fixture("anvil-prague-txs.json");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
  private final ManualTimer timer = new ManualTimer(clock);
  private final List<String> asked = new ArrayList<>();
  private final Map<String, BiFunction<String, JsonNode, JsonNode>> lies =
      new java.util.HashMap<>();
  private final Map<String, Upstream> upstreams =
      Map.of("liar", upstream("liar"), "h1", upstream("h1"), "h2", upstream("h2"));
  private final Cache<Long, BlockHeader> trusted = Caffeine.newBuilder().maximumSize(16).build();

  /** The answers upstreams give: anvil's, of the proofs fixture or of the transactions one. */
  private JsonNode fixture = PROOFS;

  /** Answers beyond the fixture's, by method. */
  private final Map<String, JsonNode> extra = new java.util.HashMap<>();

  /** The block the upstreams report as their latest. */
  private long latest = 5;

  private static JsonNode fixture(String name) {
    try (InputStream in =
        VerifyLinkTest.class.getResourceAsStream("/dev/rpcshield/verify/" + name)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Upstream upstream(String name) {
    return TestUpstreams.upstream(name, clock, Duration.ofSeconds(5), 0, 10, 10);
  }

  /** Answers each request with the fixture's answer to the same method and params. */
  private final UpstreamTransport transport =
      (upstream, payload, timeout, clientIp, traceparent, submission) -> {
        try {
          JsonNode request = JSON.readTree(payload);
          String method = request.get("method").asText();
          asked.add(upstream.name() + " " + method);
          JsonNode found = null;
          for (JsonNode a : fixture.get("answers")) {
            if (a.get("method").asText().equals(method)
                && a.get("params").equals(request.get("params"))) {
              found = a.get("result");
            }
          }
          if (found == null) {
            found = extra.get(method);
          }
          if (found == null && UNKNOWN_IS_NULL.contains(method)) {
            found = NullNode.getInstance();
          }
          if (found != null) {
            JsonNode result = found.deepCopy();
            BiFunction<String, JsonNode, JsonNode> lie = lies.get(upstream.name());
            if (lie != null) {
              result = lie.apply(method, result);
            }
            ObjectNode answer = JSON.createObjectNode().put("jsonrpc", "2.0");
            answer.set("id", request.get("id"));
            answer.set("result", result);
            return CompletableFuture.completedFuture(JSON.writeValueAsBytes(answer));
          }
          return CompletableFuture.completedFuture(
              ("{\"jsonrpc\":\"2.0\",\"id\":"
                      + request.get("id")
                      + ",\"error\":{\"code\":-32000,\"message\":\"not in the fixture\"}}")
                  .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          return CompletableFuture.failedFuture(e);
        }
      };

  private static JsonNode balanceLie(String method, JsonNode result) {
    if (method.equals("eth_getProof")) {
      ((ObjectNode) result).put("balance", "0xdead");
    }
    if (method.equals("eth_getBlockByNumber")) {
      ((ObjectNode) result).put("stateRoot", "0x" + "ab".repeat(32));
    }
    return result;
  }

  private UpstreamCall chain(int quorum) {
    UpstreamCall retried = Attempts.retried(transport, clock, timer);
    List<Upstream> all = List.of(upstreams.get("liar"), upstreams.get("h1"), upstreams.get("h2"));
    ChainView view =
        new ChainView() {
          @Override
          public long blockOf(String tag) {
            return tag.equals("latest") ? latest : -1;
          }

          @Override
          public List<Upstream> upstreams() {
            return all;
          }
        };
    AtomicLong ids = new AtomicLong(100);
    return new VerifyLink(
        new FailoverLink(retried),
        new TrustedHeaders(trusted, retried, view, quorum, ids, clock, Duration.ofSeconds(5)),
        view,
        new UpstreamsConfig.Verification(VerifyLink.SUPPORTED, quorum),
        ids);
  }

  private Outcome send(UpstreamCall chain, String method, String params, String... order) {
    List<Upstream> route = new ArrayList<>();
    for (String name : order) {
      route.add(upstreams.get(name));
    }
    CompletableFuture<Outcome> f =
        chain
            .call(
                Exchange.of(
                        List.of(RpcCall.of(method, params)),
                        Deadline.after(clock, Duration.ofSeconds(5)),
                        null,
                        null)
                    .routed(
                        new Exchange.Route("{}".getBytes(), new long[] {7}, false, false, route)))
            .toCompletableFuture();
    assertTrue(f.isDone());
    return f.join();
  }

  private static String provenBalance() {
    for (JsonNode a : PROOFS.get("answers")) {
      if (a.get("method").asText().equals("eth_getProof")
          && a.get("params").get(0).asText().equals(EOA)) {
        return a.get("result").get("balance").asText();
      }
    }
    throw new IllegalStateException("no proof of " + EOA);
  }

  private static String body(Outcome o) {
    CallResult r = o.results().get(0);
    byte[] b = r instanceof CallResult.Answer a ? a.body() : ((CallResult.Failure) r).body();
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void aBalanceIsTheProvenOneWhateverTheLiarFirstInLineSays() throws IOException {
    lies.put("liar", VerifyLinkTest::balanceLie);
    UpstreamCall chain = chain(2);
    Outcome o = send(chain, "eth_getBalance", "[\"" + EOA + "\",\"0x5\"]", "liar", "h1", "h2");
    assertTrue(o.answered(), body(o));
    assertEquals(provenBalance(), JSON.readTree(body(o)).get("result").asText());
    assertEquals(
        List.of(
            "liar eth_getBlockByNumber",
            "h1 eth_getBlockByNumber",
            "h2 eth_getBlockByNumber",
            "liar eth_getProof",
            "h1 eth_getProof"),
        asked);
    assertEquals(2, upstreams.get("liar").disagreements(), "its header and its proof");

    asked.clear();
    Outcome latest = send(chain, "eth_getBalance", "[\"" + EOA + "\",\"latest\"]", "h1", "h2");
    assertEquals(provenBalance(), JSON.readTree(body(latest)).get("result").asText());
    assertEquals(List.of("h1 eth_getProof"), asked, "the trusted header was kept");
  }

  @Test
  void withOnlyLiarsTheAnswerCouldNotBeVerified() {
    lies.put("liar", VerifyLinkTest::balanceLie);
    lies.put("h1", (m, r) -> m.equals("eth_getProof") ? balanceLie(m, r) : r);
    lies.put("h2", (m, r) -> m.equals("eth_getProof") ? balanceLie(m, r) : r);
    Outcome o = send(chain(2), "eth_getBalance", "[\"" + EOA + "\",\"0x5\"]", "liar", "h1", "h2");
    CallResult.Failure f = assertInstanceOf(CallResult.Failure.class, o.results().get(0));
    assertEquals(RpcErrorCode.UNVERIFIED, f.error().code());
    assertTrue(!body(o).contains("dead"), body(o));
  }

  @Test
  void aHeaderNoQuorumAgreesOnIsNotTrusted() {
    lies.put("liar", VerifyLinkTest::balanceLie);
    lies.put("h1", VerifyLinkTest::balanceLie);
    Outcome o = send(chain(2), "eth_getBalance", "[\"" + EOA + "\",\"0x5\"]", "h2");
    CallResult.Failure f = assertInstanceOf(CallResult.Failure.class, o.results().get(0));
    assertEquals(RpcErrorCode.UNVERIFIED, f.error().code());
    assertTrue(f.error().message().contains("no trusted header of block 5"), f.error().message());
  }

  @Test
  void badParamsAndUnprovableBlocksAreRefusedBeforeAnyUpstreamIsAsked() {
    UpstreamCall chain = chain(2);
    Outcome bad = send(chain, "eth_getBalance", "[\"0x12\",\"0x5\"]", "h1");
    assertEquals(
        RpcErrorCode.INVALID_PARAMS,
        assertInstanceOf(CallResult.Failure.class, bad.results().get(0)).error().code());
    Outcome notANumber = send(chain, "eth_getBalance", "[\"" + EOA + "\",\"0xzz\"]", "h1");
    assertEquals(
        RpcErrorCode.INVALID_PARAMS,
        assertInstanceOf(CallResult.Failure.class, notANumber.results().get(0)).error().code());
    Outcome pending = send(chain, "eth_getBalance", "[\"" + EOA + "\",\"pending\"]", "h1");
    assertEquals(
        "answer could not be verified: the pending state cannot be proven",
        assertInstanceOf(CallResult.Failure.class, pending.results().get(0)).error().message());
    assertEquals(List.of(), asked);
  }

  @Test
  void aTrustedChildOfAnotherForkLetsAQuorumDecideItsParentAndIsForgotten() throws Exception {
    ObjectNode stale = null;
    for (JsonNode a : PROOFS.get("answers")) {
      if (a.get("method").asText().equals("eth_getBlockByNumber")
          && a.get("params").get(0).asText().equals("0x5")) {
        stale = (ObjectNode) a.get("result").deepCopy();
      }
    }
    stale.put("number", "0x6");
    stale.put("parentHash", "0x" + "77".repeat(32));
    trusted.put(6L, BlockHeader.of(stale));

    Outcome o = send(chain(2), "eth_getBalance", "[\"" + EOA + "\",\"0x5\"]", "h1", "h2");
    assertEquals(provenBalance(), JSON.readTree(body(o)).get("result").asText());
    assertEquals(
        List.of("liar eth_getBlockByNumber", "h1 eth_getBlockByNumber", "h1 eth_getProof"),
        asked,
        "the first header was not the child's parent: a quorum of two decided");
    assertEquals(null, trusted.getIfPresent(6L), "the stale child was forgotten");
    assertEquals(0, upstreams.get("liar").disagreements() + upstreams.get("h1").disagreements());
  }

  private JsonNode txs(String method, String first, boolean last) {
    for (JsonNode a : TXS.get("answers")) {
      JsonNode p = a.get("params");
      if (a.get("method").asText().equals(method)
          && p.get(0).asText().equals(first)
          && (p.size() == 1 || p.get(1).asBoolean() == last)) {
        return a.get("result");
      }
    }
    throw new IllegalStateException(method + " " + first);
  }

  /** The transactions fixture's answers, block 2 its latest. */
  private void onTheTransactionsChain() {
    fixture = TXS;
    latest = 2;
  }

  private static JsonNode result(Outcome o) throws IOException {
    return JSON.readTree(body(o)).get("result");
  }

  /** anvil's block as a proof answers it: without what the chain does not commit to. */
  private static JsonNode provenForm(JsonNode block) {
    ObjectNode copy = block.deepCopy();
    copy.remove("totalDifficulty");
    for (JsonNode tx : copy.get("transactions")) {
      if (tx.isObject()) {
        ((ObjectNode) tx).remove(List.of("blobs", "commitments", "proofs"));
      }
    }
    return copy;
  }

  private static JsonNode valueLie(String method, JsonNode result) {
    if (method.startsWith("eth_getBlockBy") && result.isObject()) {
      for (JsonNode tx : result.get("transactions")) {
        if (tx.isObject()) {
          ((ObjectNode) tx).put("value", "0xdead");
        }
      }
    }
    if (method.equals("eth_getBlockReceipts")) {
      result.forEach(r -> ((ObjectNode) r).put("status", "0x1"));
    }
    return result;
  }

  @Test
  void aBlockIsTheProvenOneWhateverTheLiarFirstInLineSaysAskedInFullWhateverTheClientAsked()
      throws IOException {
    onTheTransactionsChain();
    lies.put("liar", VerifyLinkTest::valueLie);
    UpstreamCall chain = chain(2);
    Outcome byNumber = send(chain, "eth_getBlockByNumber", "[\"0x2\",false]", "liar", "h1", "h2");
    assertEquals(provenForm(txs("eth_getBlockByNumber", "0x2", false)), result(byNumber));
    assertEquals(
        List.of(
            "liar eth_getBlockByNumber",
            "h1 eth_getBlockByNumber",
            "liar eth_getBlockByNumber",
            "h1 eth_getBlockByNumber"),
        asked,
        "the header from two (the liar lies only in full transactions), then the full block");
    assertEquals(1, upstreams.get("liar").disagreements());

    String hash = txs("eth_getBlockByNumber", "0x2", true).get("hash").asText();
    Outcome byHash =
        send(chain, "eth_getBlockByHash", "[\"" + hash + "\",true]", "liar", "h1", "h2");
    assertEquals(provenForm(txs("eth_getBlockByNumber", "0x2", true)), result(byHash));
    Outcome latestBlock =
        send(chain, "eth_getBlockByNumber", "[\"latest\",true]", "liar", "h1", "h2");
    assertEquals(provenForm(txs("eth_getBlockByNumber", "0x2", true)), result(latestBlock));
  }

  @Test
  void aReceiptIsProvenWithEveryReceiptOfItsBlock() throws IOException {
    onTheTransactionsChain();
    lies.put("liar", VerifyLinkTest::valueLie);
    UpstreamCall chain = chain(2);
    for (JsonNode tx : txs("eth_getBlockByNumber", "0x2", true).get("transactions")) {
      String hash = tx.get("hash").asText();
      Outcome o = send(chain, "eth_getTransactionReceipt", "[\"" + hash + "\"]", "liar", "h1");
      ObjectNode expected = txs("eth_getTransactionReceipt", hash, false).deepCopy();
      expected.remove("blobGasPrice");
      assertEquals(expected, result(o), hash);
    }
    assertTrue(asked.contains("h1 eth_getBlockReceipts"), asked.toString());
    assertTrue(upstreams.get("liar").disagreements() > 0);
  }

  @Test
  void whatNoUpstreamKnowsIsNullAsANodeAnswersIt() throws IOException {
    onTheTransactionsChain();
    UpstreamCall chain = chain(2);
    String unknown = "\"0x" + "99".repeat(32) + "\"";
    assertTrue(
        result(send(chain, "eth_getTransactionReceipt", "[" + unknown + "]", "h1", "h2")).isNull());
    assertTrue(
        result(send(chain, "eth_getBlockByHash", "[" + unknown + ",false]", "h1", "h2")).isNull());
    asked.clear();
    assertTrue(result(send(chain, "eth_getBlockByNumber", "[\"0x3\",false]", "h1", "h2")).isNull());
    assertEquals(List.of(), asked, "block 3 is above every upstream's latest");
    assertEquals(0, upstreams.get("h1").disagreements() + upstreams.get("h2").disagreements());
  }

  @Test
  void withOnlyLiarsABlockCouldNotBeVerified() {
    onTheTransactionsChain();
    lies.put("h1", VerifyLinkTest::valueLie);
    lies.put("h2", VerifyLinkTest::valueLie);
    Outcome o = send(chain(2), "eth_getBlockByNumber", "[\"0x2\",true]", "h1", "h2");
    CallResult.Failure f = assertInstanceOf(CallResult.Failure.class, o.results().get(0));
    assertEquals(RpcErrorCode.UNVERIFIED, f.error().code());
    assertTrue(!body(o).contains("dead"), body(o));
  }

  @Test
  void theParamsOfABlockOrReceiptCallAreChecked() {
    onTheTransactionsChain();
    UpstreamCall chain = chain(2);
    for (String[] bad :
        List.of(
            new String[] {"eth_getBlockByNumber", "[\"0x2\"]"},
            new String[] {"eth_getBlockByNumber", "[\"0x2\",\"yes\"]"},
            new String[] {"eth_getBlockByHash", "[\"0x12\",false]"},
            new String[] {"eth_getTransactionReceipt", "[\"0x12\"]"},
            new String[] {"eth_getTransactionReceipt", "[\"0x" + "99".repeat(32) + "\",1]"})) {
      Outcome o = send(chain, bad[0], bad[1], "h1");
      assertEquals(
          RpcErrorCode.INVALID_PARAMS,
          assertInstanceOf(CallResult.Failure.class, o.results().get(0)).error().code(),
          bad[0] + bad[1]);
    }
    assertEquals(List.of(), asked);
  }

  @Test
  void aCodeReadIsProvenWithOneUpstreamAlone() throws IOException {
    String contract = PROOFS.get("contract").asText();
    for (JsonNode a : PROOFS.get("answers")) {
      if (a.get("method").asText().equals("eth_getProof")
          && a.get("params").get(0).asText().equals(contract)
          && a.get("params").get(2).asText().equals("0x5")) {
        ObjectNode account = a.get("result").deepCopy();
        account.putArray("storageProof");
        extra.put("eth_getProof", account);
      }
    }
    extra.put(
        "eth_getCode",
        com.fasterxml.jackson.databind.node.TextNode.valueOf("0x60005460005260206000f3"));
    Outcome o = send(chain(1), "eth_getCode", "[\"" + contract + "\",\"0x5\"]", "h1");
    assertEquals("0x60005460005260206000f3", result(o).asText(), body(o));
  }
}
