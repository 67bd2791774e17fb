package dev.rpcshield.upstream.chain;

import static dev.rpcshield.upstream.chain.ClientCalls.call;
import static dev.rpcshield.upstream.chain.ClientCalls.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.cache.ChainHeads;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.logs.LogsConfig;
import dev.rpcshield.logs.LogsSplitter;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.ClientSink;
import dev.rpcshield.upstream.Deadline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The eth_getLogs link with a real splitter (head 1000, at most 1000 blocks a request, chunks of
 * 10, one in flight) between two fake links that record what reaches them: {@code next} answers
 * each call with its method, {@code chunks} answers a chunk with one log per block of its range.
 */
class LogsSplitLinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ChainHeads HEADS =
      new ChainHeads() {
        @Override
        public long latest() {
          return 1000;
        }

        @Override
        public long safe() {
          return 950;
        }

        @Override
        public long finalized() {
          return 900;
        }
      };

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final List<Exchange> sentOn = new ArrayList<>();
  private final List<Exchange> chunksSent = new ArrayList<>();

  /** How the chunks link answers a chunk's call. */
  private Function<RpcCall, CallResult> chunkAnswer = LogsSplitLinkTest::logsOfItsBlocks;

  private final LogsSplitLink link =
      new LogsSplitLink(
          exchange -> {
            sentOn.add(exchange);
            return CompletableFuture.completedFuture(
                Outcome.answered(
                    exchange.calls().stream()
                        .map(c ->
                            (CallResult)
                                new CallResult.Answer(
                                    RpcWriter.result(c.rawId(), "\"" + c.method() + "\""),
                                    false,
                                    "a"))
                        .toList(),
                    null));
          },
          exchange -> {
            chunksSent.add(exchange);
            return CompletableFuture.completedFuture(
                Outcome.answered(List.of(chunkAnswer.apply(exchange.calls().get(0))), null));
          },
          new LogsSplitter(
              "main", new LogsConfig(1000, true, 1, 100, 10, 10, 1 << 20, Map.of()), 10, HEADS));

  /** One log in every block of the chunk's range. */
  private static CallResult logsOfItsBlocks(RpcCall chunk) {
    long[] range = range(chunk);
    StringBuilder logs = new StringBuilder("[");
    for (long b = range[0]; b <= range[1]; b++) {
      logs.append(logs.length() > 1 ? "," : "").append("{\"blockNumber\":").append(b).append('}');
    }
    return new CallResult.Answer(
        RpcWriter.result(chunk.rawId(), logs.append(']').toString()), false, "a");
  }

  private static long[] range(RpcCall chunk) {
    try {
      JsonNode filter = JSON.readTree(chunk.rawParams()).get(0);
      return new long[] {
        Long.decode(filter.get("fromBlock").asText()), Long.decode(filter.get("toBlock").asText())
      };
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static RpcCall logs(int id, long from, long to) {
    return call(
        id,
        "eth_getLogs",
        "[{\"fromBlock\":\"0x"
            + Long.toHexString(from)
            + "\",\"toBlock\":\"0x"
            + Long.toHexString(to)
            + "\"}]");
  }

  private Exchange exchange(ClientSink sink, RpcCall... calls) {
    return Exchange.of(
        List.of(calls), Deadline.after(clock, Duration.ofSeconds(5)), "203.0.113.9", sink);
  }

  private Outcome serve(Exchange exchange) {
    CompletableFuture<Outcome> f = link.call(exchange).toCompletableFuture();
    assertTrue(f.isDone());
    return f.join();
  }

  private List<String> chunkRanges() {
    return chunksSent.stream()
        .map(e -> {
          assertEquals(1, e.calls().size(), "a chunk is an exchange of one call");
          long[] r = range(e.calls().get(0));
          return r[0] + "-" + r[1];
        })
        .toList();
  }

  @Test
  void anExchangeWithoutEthGetLogsGoesOnAsItIs() {
    Exchange exchange = exchange(null, call(1, "eth_call", "[]"));
    serve(exchange);
    assertSame(exchange, sentOn.get(0));
  }

  @Test
  void aFilterOverTheGatewaysCapsIsRefusedWithoutAnyUpstream() {
    Outcome o = serve(exchange(null, logs(4, 0, 1000), call(5, "eth_getLogs", "[\"nope\"]")));

    CallResult.Refused overCap = assertInstanceOf(CallResult.Refused.class, o.results().get(0));
    assertEquals(RpcErrorCode.LOGS_TOO_LARGE, overCap.error().code());
    CallResult.Refused unreadable = assertInstanceOf(CallResult.Refused.class, o.results().get(1));
    assertEquals(RpcErrorCode.INVALID_PARAMS, unreadable.error().code());
    assertEquals(List.of(), sentOn);
    assertEquals(List.of(), chunksSent);
  }

  @Test
  void aRangeOverTheUpstreamsCapIsAnsweredFromChunksAndTheOtherCallsGoOnTogether()
      throws IOException {
    Outcome o =
        serve(
            exchange(
                null,
                call(1, "eth_a", "[]"),
                logs(2, 1, 30),
                logs(3, 1, 5),
                call(4, "eth_b", "[]")));

    assertEquals(List.of("1-10", "11-20", "21-30"), chunkRanges());
    assertEquals("203.0.113.9", chunksSent.get(0).clientIp(), "a chunk is the client's call");
    assertEquals(1, sentOn.size(), "the rest went on together");
    assertEquals(
        List.of("eth_a", "eth_getLogs", "eth_b"),
        sentOn.get(0).calls().stream().map(RpcCall::method).toList());
    assertEquals(List.of("1-5"), List.of(rangeText(sentOn.get(0).calls().get(1))));

    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"eth_a\"}", text(o.results().get(0)));
    CallResult.Answer joined = assertInstanceOf(CallResult.Answer.class, o.results().get(1));
    assertNull(joined.upstream(), "the gateway joined it");
    assertFalse(joined.chainError());
    JsonNode answer = JSON.readTree(joined.body());
    assertEquals(2, answer.get("id").asInt());
    List<Long> blocks = new ArrayList<>();
    answer.get("result").forEach(l -> blocks.add(l.get("blockNumber").asLong()));
    assertEquals(30, blocks.size());
    for (int i = 0; i < 30; i++) {
      assertEquals(i + 1L, blocks.get(i), "in block order");
    }
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"eth_getLogs\"}", text(o.results().get(2)));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":\"eth_b\"}", text(o.results().get(3)));
  }

  private static String rangeText(RpcCall c) {
    long[] r = range(c);
    return r[0] + "-" + r[1];
  }

  @Test
  void aChunkRefusedAsTooLargeIsBisectedAndOneNobodyAnsweredFailsTheCall() {
    chunkAnswer =
        c -> {
          long[] r = range(c);
          if (r[1] - r[0] + 1 > 5) {
            String refusal =
                "{\"jsonrpc\":\"2.0\",\"id\":"
                    + new String(c.rawId(), StandardCharsets.UTF_8)
                    + ",\"error\":{\"code\":-32000,\"message\":\"query exceeds max block"
                    + " range 5\"}}";
            return new CallResult.Answer(refusal.getBytes(StandardCharsets.UTF_8), true, "a");
          }
          return r[0] > 20
              ? CallResult.Failure.of(c, RpcError.of(RpcErrorCode.NO_UPSTREAM, "all down"))
              : logsOfItsBlocks(c);
        };
    Outcome o = serve(exchange(null, logs(2, 1, 30)));

    assertEquals(
        List.of("1-10", "1-5", "6-10", "11-20", "11-15", "16-20", "21-30", "21-25"), chunkRanges());
    CallResult.Failure failed = assertInstanceOf(CallResult.Failure.class, o.results().get(0));
    assertEquals(RpcErrorCode.LOGS_INCOMPLETE, failed.error().code());
    assertTrue(failed.error().message().contains("all down"), failed.error().message());
  }

  @Test
  void aWebSocketClientThatHungUpGetsNoMoreChunksFetched() {
    Sink sink = new Sink();
    chunkAnswer =
        c -> {
          sink.open = false;
          return logsOfItsBlocks(c);
        };
    Outcome o = serve(exchange(sink, logs(2, 1, 30)));

    assertEquals(List.of("1-10"), chunkRanges(), "none after the client left");
    CallResult.Failure failed = assertInstanceOf(CallResult.Failure.class, o.results().get(0));
    assertEquals(RpcErrorCode.LOGS_INCOMPLETE, failed.error().code());
    assertTrue(failed.error().message().contains("the client hung up"), failed.error().message());
  }

  /** A WebSocket client connection that the test closes. */
  private static final class Sink implements ClientSink {
    boolean open = true;

    @Override
    public void send(byte[] message) {}

    @Override
    public void end(String reason) {
      open = false;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public Caller caller() {
      return new Caller("203.0.113.9", null, null);
    }
  }
}
