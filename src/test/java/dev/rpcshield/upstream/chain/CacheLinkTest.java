package dev.rpcshield.upstream.chain;

import static dev.rpcshield.upstream.chain.ClientCalls.call;
import static dev.rpcshield.upstream.chain.ClientCalls.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.cache.CacheEvents;
import dev.rpcshield.cache.ChainHeads;
import dev.rpcshield.cache.InMemoryCacheStore;
import dev.rpcshield.cache.ResponseCache;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.Deadline;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The cache link on a real response cache (block 100 finalized) in front of a fake next link that
 * records what reaches it and answers each call with its params, from upstream "a" unless a test
 * says otherwise. Blocks by number up to 100 are cacheable; eth_blockNumber never is.
 */
class CacheLinkTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final ResponseCache cache =
      new ResponseCache(
          "main",
          new InMemoryCacheStore(1 << 20, k -> {}),
          new ChainHeads() {
            @Override
            public long latest() {
              return 110;
            }

            @Override
            public long safe() {
              return 105;
            }

            @Override
            public long finalized() {
              return 100;
            }
          },
          CacheEvents.NONE);

  /** The exchanges that reached the next link. */
  private final List<Exchange> sent = new ArrayList<>();

  /** How the next link answers each call. */
  private Function<RpcCall, CallResult> answer = c -> answered(c, "a");

  private final UpstreamCall next =
      exchange -> {
        sent.add(exchange);
        return CompletableFuture.completedFuture(
            Outcome.answered(exchange.calls().stream().map(answer).toList(), null));
      };

  private final CacheLink link = link(Set.of());

  private CacheLink link(Set<String> skipMethods) {
    return new CacheLink(next, cache, skipMethods, upstream -> upstream.equals("lagger"));
  }

  private static CallResult answered(RpcCall c, String upstream) {
    return new CallResult.Answer(
        RpcWriter.result(
            c.rawId(), "{\"params\":" + new String(c.rawParams(), StandardCharsets.UTF_8) + "}"),
        false,
        upstream);
  }

  private static RpcCall block(int id, int number) {
    return call(id, "eth_getBlockByNumber", "[\"0x" + Integer.toHexString(number) + "\",false]");
  }

  private static boolean asks(RpcCall c, int number) {
    return new String(c.rawParams(), StandardCharsets.UTF_8)
        .contains("\"0x" + Integer.toHexString(number) + "\"");
  }

  private Outcome serve(CacheLink through, RpcCall... calls) {
    CompletableFuture<Outcome> f =
        through
            .call(
                Exchange.of(
                    List.of(calls),
                    Deadline.after(clock, Duration.ofSeconds(5)),
                    "203.0.113.9",
                    null))
            .toCompletableFuture();
    assertTrue(f.isDone());
    return f.join();
  }

  private Outcome serve(RpcCall... calls) {
    return serve(link, calls);
  }

  /** Puts block {@code number} in the cache as an earlier answer would have. */
  private void cached(int number) {
    RpcCall c = block(0, number);
    ResponseCache.Lookup found = cache.lookup(c.method(), c.rawParams());
    assertTrue(cache.remember(found, "{\"cached\":" + number + "}"));
  }

  private boolean remembered(int number) {
    RpcCall c = block(0, number);
    return cache.lookup(c.method(), c.rawParams()).hit();
  }

  private List<List<String>> sentMethods() {
    return sent.stream()
        .map(e ->
            e.calls().stream()
                .map(c -> c.method() + new String(c.rawParams(), StandardCharsets.UTF_8))
                .toList())
        .toList();
  }

  @Test
  void aHitIsAnsweredWithoutTheNextLink() {
    cached(5);
    Outcome o = serve(block(9, 5));

    assertEquals(List.of(), sent);
    CallResult.Answer hit = assertInstanceOf(CallResult.Answer.class, o.results().get(0));
    assertTrue(hit.cached());
    assertNull(hit.upstream(), "the gateway answered");
    assertFalse(hit.chainError());
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"cached\":5}}", text(hit));
  }

  @Test
  void onlyMissesGoOnTogetherInTheClientsOrderAndTheirAnswersAreRemembered() {
    cached(6);
    Exchange exchange =
        Exchange.of(
            List.of(block(1, 5), block(2, 6), call(3, "eth_blockNumber", "[]"), block(4, 7)),
            Deadline.after(clock, Duration.ofSeconds(5)),
            "203.0.113.9",
            null);
    Outcome o = link.call(exchange).toCompletableFuture().join();

    assertEquals(
        List.of(
            List.of(
                "eth_getBlockByNumber[\"0x5\",false]",
                "eth_blockNumber[]",
                "eth_getBlockByNumber[\"0x7\",false]")),
        sentMethods(),
        "one exchange of the misses, in order");
    assertSame(exchange.deadline(), sent.get(0).deadline());
    assertEquals("203.0.113.9", sent.get(0).clientIp());
    assertEquals(
        List.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"params\":[\"0x5\",false]}}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"cached\":6}}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"params\":[]}}",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"params\":[\"0x7\",false]}}"),
        o.results().stream().map(ClientCalls::text).toList());
    assertEquals(
        List.of(false, true, false, false),
        o.results().stream().map(r -> ((CallResult.Answer) r).cached()).toList());

    sent.clear();
    Outcome again = serve(block(8, 5), block(9, 7));
    assertEquals(List.of(), sent, "both answers were remembered");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{\"params\":[\"0x5\",false]}}",
        text(again.results().get(0)));
  }

  @Test
  void chainErrorsAndFailuresAreNotRemembered() {
    answer =
        c ->
            asks(c, 5)
                ? new CallResult.Answer(
                    RpcWriter.error(c.rawId(), RpcError.of(RpcErrorCode.INVALID_PARAMS, "no")),
                    true,
                    "a")
                : CallResult.Failure.of(c, RpcError.of(RpcErrorCode.NO_UPSTREAM, "down"));
    Outcome o = serve(block(1, 5), block(2, 6));

    assertTrue(((CallResult.Answer) o.results().get(0)).chainError());
    assertInstanceOf(CallResult.Failure.class, o.results().get(1));
    assertFalse(remembered(5), "a chain error is not kept");
    assertFalse(remembered(6), "a failure is not kept");
  }

  @Test
  void anAnswerFromALaggingUpstreamIsNotRemembered() {
    answer = c -> answered(c, asks(c, 5) ? "lagger" : "a");
    serve(block(1, 5), block(2, 6));

    assertFalse(remembered(5), "held back as lagging");
    assertTrue(remembered(6));
  }

  @Test
  void skipMethodsAreNeitherLookedUpNorRemembered() {
    cached(5);
    CacheLink skipping = link(Set.of("eth_getBlockByNumber"));
    Outcome o = serve(skipping, block(1, 5), block(2, 6));

    assertEquals(2, sent.get(0).calls().size(), "the cached block was not looked up");
    assertFalse(((CallResult.Answer) o.results().get(0)).cached());
    assertFalse(remembered(6), "nor is an answer kept");
  }

  @Test
  void anAnswerTheGatewayMadeItselfIsNotRemembered() {
    RpcCall logs = call(1, "eth_getLogs", "[{\"fromBlock\":\"0x1\",\"toBlock\":\"0x1e\"}]");
    answer =
        c -> new CallResult.Answer(RpcWriter.result(c.rawId(), "[{\"joined\":true}]"), false, null);
    serve(logs);

    assertFalse(
        cache.lookup(logs.method(), logs.rawParams()).hit(),
        "a range joined from chunks is not kept as a whole: its chunks are, unless a lagging"
            + " upstream answered them");
  }
}
