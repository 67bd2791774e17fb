package dev.rpcshield.upstream.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.Deadline;
import dev.rpcshield.upstream.TestUpstreams;
import dev.rpcshield.upstream.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The canonical-block check of transactions and receipts, between fakes of its neighbours: below
 * it, upstreams that answer a receipt naming a block; for headers, anvil's own block 5 (the verify
 * fixtures), trusted on one upstream's word (quorum 1).
 */
class CanonicalLinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode BLOCK_5 = block5();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
  private final Upstream liar = upstream("liar");
  private final Upstream honest = upstream("honest");
  private final Map<String, String> blockHashOf =
      Map.of("liar", "0x" + "ba".repeat(32), "honest", BLOCK_5.get("hash").asText());
  private final List<String> asked = new ArrayList<>();
  private final List<String> headerFetches = new ArrayList<>();
  private long receiptBlock = 5;

  private static JsonNode block5() {
    try (InputStream in =
        CanonicalLinkTest.class.getResourceAsStream(
            "/dev/rpcshield/verify/anvil-prague-proofs.json")) {
      for (JsonNode a : JSON.readTree(in).get("answers")) {
        if (a.get("method").asText().equals("eth_getBlockByNumber")
            && a.get("params").get(0).asText().equals("0x5")) {
          return a.get("result");
        }
      }
      throw new IllegalStateException("no block 5 in the fixture");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Upstream upstream(String name) {
    return TestUpstreams.upstream(name, clock, Duration.ofSeconds(5), 0, 10, 10);
  }

  /** The links below: each asked upstream answers a receipt of its block. */
  private final UpstreamCall below =
      exchange -> {
        Upstream u = exchange.target();
        asked.add(u.name());
        String hash = receiptBlock < 0 ? "null" : "\"" + blockHashOf.get(u.name()) + "\"";
        String number = receiptBlock < 0 ? "null" : "\"0x" + Long.toHexString(receiptBlock) + "\"";
        String body =
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"transactionHash\":\"0xab\","
                + "\"blockHash\":"
                + hash
                + ",\"blockNumber\":"
                + number
                + ",\"logs\":[]}}";
        return CompletableFuture.completedFuture(
            Outcome.answered(
                List.of(
                    new CallResult.Answer(body.getBytes(StandardCharsets.UTF_8), false, u.name())),
                u.name()));
      };

  /** One attempt for a header: block 5 as anvil gave it. */
  private final UpstreamCall single =
      exchange -> {
        headerFetches.add(exchange.target().name());
        byte[] body;
        try {
          body =
              JSON.writeValueAsBytes(
                  JSON.createObjectNode()
                      .put("jsonrpc", "2.0")
                      .put("id", 1)
                      .set("result", BLOCK_5));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        return CompletableFuture.completedFuture(
            Outcome.answered(
                List.of(new CallResult.Answer(body, false, exchange.target().name())),
                exchange.target().name()));
      };

  private UpstreamCall link() {
    ChainView view =
        new ChainView() {
          @Override
          public long blockOf(String tag) {
            return 5;
          }

          @Override
          public List<Upstream> upstreams() {
            return List.of(honest);
          }
        };
    TrustedHeaders headers =
        new TrustedHeaders(
            Caffeine.newBuilder().maximumSize(8).build(),
            single,
            view,
            1,
            new AtomicLong(1),
            clock,
            Duration.ofSeconds(5));
    return new CanonicalLink(below, headers, view);
  }

  private Outcome receipt(UpstreamCall link, Upstream... order) {
    CompletableFuture<Outcome> f =
        link.call(
                Exchange.of(
                        List.of(RpcCall.of("eth_getTransactionReceipt", "[\"0xab\"]")),
                        Deadline.after(clock, Duration.ofSeconds(5)),
                        null,
                        null)
                    .routed(
                        new Exchange.Route(
                            "{}".getBytes(), new long[] {1}, false, false, List.of(order))))
            .toCompletableFuture();
    assertTrue(f.isDone());
    return f.join();
  }

  private static String servedBy(Outcome o) {
    return assertInstanceOf(CallResult.Answer.class, o.results().get(0)).upstream();
  }

  @Test
  void aReceiptOfTheCanonicalBlockIsServed() {
    assertEquals("honest", servedBy(receipt(link(), honest, liar)));
    assertEquals(List.of("honest"), asked);
    assertEquals(List.of("honest"), headerFetches);
  }

  @Test
  void aReceiptOfAnotherBlockAtThatHeightGoesToTheNextUpstreamAndIsCounted() {
    UpstreamCall link = link();
    assertEquals("honest", servedBy(receipt(link, liar, honest)));
    assertEquals(List.of("liar", "honest"), asked);
    assertEquals(1, liar.disagreements());

    asked.clear();
    CallResult.Failure f =
        assertInstanceOf(CallResult.Failure.class, receipt(link, liar).results().get(0));
    assertEquals(RpcErrorCode.NO_UPSTREAM, f.error().code());
    assertEquals(
        "no upstream available: liar: answered with a block that is not the canonical one",
        f.error().message());
    assertEquals(List.of("honest"), headerFetches, "the trusted header was kept");
  }

  @Test
  void aBlockTooNewToTrustAndAPendingTransactionAreServedAsTheyAre() {
    UpstreamCall link = link();
    receiptBlock = 6;
    assertEquals("liar", servedBy(receipt(link, liar)));
    receiptBlock = -1;
    assertEquals("liar", servedBy(receipt(link, liar)));
    assertEquals(List.of(), headerFetches);
  }
}
