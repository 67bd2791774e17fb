package dev.rpcshield.upstream.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.testing.ManualTimer;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.Deadline;
import dev.rpcshield.upstream.ErrorClassifier;
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
  private static final JsonNode FIXTURE = fixture();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
  private final ManualTimer timer = new ManualTimer(clock);
  private final List<String> asked = new ArrayList<>();
  private final Map<String, BiFunction<String, JsonNode, JsonNode>> lies =
      new java.util.HashMap<>();
  private final Map<String, Upstream> upstreams =
      Map.of("liar", upstream("liar"), "h1", upstream("h1"), "h2", upstream("h2"));
  private final Cache<Long, BlockHeader> trusted = Caffeine.newBuilder().maximumSize(16).build();

  private static JsonNode fixture() {
    try (InputStream in =
        VerifyLinkTest.class.getResourceAsStream(
            "/dev/rpcshield/verify/anvil-prague-proofs.json")) {
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
      (upstream, payload, timeout, clientIp, submission) -> {
        try {
          JsonNode request = JSON.readTree(payload);
          String method = request.get("method").asText();
          asked.add(upstream.name() + " " + method);
          for (JsonNode a : FIXTURE.get("answers")) {
            if (a.get("method").asText().equals(method)
                && a.get("params").equals(request.get("params"))) {
              JsonNode result = a.get("result").deepCopy();
              BiFunction<String, JsonNode, JsonNode> lie = lies.get(upstream.name());
              if (lie != null) {
                result = lie.apply(method, result);
              }
              ObjectNode answer = JSON.createObjectNode().put("jsonrpc", "2.0");
              answer.set("id", request.get("id"));
              answer.set("result", result);
              return CompletableFuture.completedFuture(JSON.writeValueAsBytes(answer));
            }
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
    UpstreamCall retried =
        new RetryLink(
            new AttemptLink(
                transport,
                new ErrorClassifier(Set.of(), List.of()),
                new UpstreamsConfig.Integrity(true, true, true),
                clock),
            timer,
            Duration.ofMillis(10),
            Duration.ofMillis(10),
            n -> n);
    List<Upstream> all = List.of(upstreams.get("liar"), upstreams.get("h1"), upstreams.get("h2"));
    ChainView view =
        new ChainView() {
          @Override
          public long blockOf(String tag) {
            return tag.equals("latest") ? 5 : -1;
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
        new UpstreamsConfig.Verification(Set.of("eth_getBalance"), quorum),
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
    for (JsonNode a : FIXTURE.get("answers")) {
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
    for (JsonNode a : FIXTURE.get("answers")) {
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
}
