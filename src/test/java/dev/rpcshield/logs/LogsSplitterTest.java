package dev.rpcshield.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.cache.ChainHeads;
import dev.rpcshield.jsonrpc.Quantity;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogsSplitterTest {
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

  /** Ranges asked, as "from-to". */
  private final List<String> asked = Collections.synchronizedList(new ArrayList<>());

  private static LogsConfig config(long maxRange, boolean split) {
    return new LogsConfig(maxRange, split, 3, 1000, 3, 2, 1 << 20, Map.of());
  }

  private static byte[] params(String filter) {
    return ("[" + filter + "]").getBytes(StandardCharsets.UTF_8);
  }

  /** A node with one log in every block: its blockNumber and logIndex 0. */
  /** A chunk source that answers at once. */
  private static LogsSplitter.ChunkSource sync(Function<String, LogsSplitter.Chunk> source) {
    return filter -> CompletableFuture.completedFuture(source.apply(filter));
  }

  private LogsSplitter.Chunk node(String filterJson, long refuseOver) {
    return node(filterJson, refuseOver, Long.MAX_VALUE);
  }

  /**
   * The same node with a head: as anvil, it refuses a fromBlock above the head and reads a toBlock
   * above it as the head.
   */
  private LogsSplitter.Chunk node(String filterJson, long refuseOver, long head) {
    try {
      JsonNode f = JSON.readTree(filterJson);
      long from = Long.decode(f.get("fromBlock").asText());
      long to = Long.decode(f.get("toBlock").asText());
      asked.add(from + "-" + to);
      if (Math.min(to, head) - from + 1 > refuseOver) {
        return new LogsSplitter.Failed(true, "query exceeds max block range " + refuseOver);
      }
      if (from > head) {
        return new LogsSplitter.Failed(
            true, "BlockOutOfRangeError: block height is " + head + " but requested was " + from);
      }
      StringBuilder sb = new StringBuilder("[");
      for (long b = from; b <= Math.min(to, head); b++) {
        sb.append(sb.length() > 1 ? "," : "")
            .append("{\"blockNumber\":\"0x")
            .append(Long.toHexString(b))
            .append("\",\"logIndex\":\"0x0\"}");
      }
      return new LogsSplitter.Logs(sb.append(']').toString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<Long> blocks(LogsSplitter.Outcome outcome) throws Exception {
    JsonNode logs =
        JSON.readTree(assertInstanceOf(LogsSplitter.Joined.class, outcome).resultJson());
    List<Long> out = new ArrayList<>();
    logs.forEach(l -> out.add(Long.decode(l.get("blockNumber").asText())));
    return out;
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long b = from; b <= to; b++) {
      out.add(b);
    }
    return out;
  }

  @Test
  void aRangeOverTheUpstreamCapIsSplitAndJoinedInOrder() throws Exception {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 10, HEADS);
    LogsSplitter.Outcome o =
        s.serve(params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x64\"}"), sync(f -> node(f, 10)))
            .toCompletableFuture()
            .join();
    assertEquals(range(1, 100), blocks(o));
    assertEquals(10, asked.size());
    assertTrue(asked.contains("91-100"));
  }

  @Test
  void withinTheCapItIsForwardedUnchanged() {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 10, HEADS);
    assertInstanceOf(
        LogsSplitter.Forward.class,
        s.serve(params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0xa\"}"), sync(f -> node(f, 10)))
            .toCompletableFuture()
            .join());
    assertEquals(List.of(), asked);
  }

  @Test
  void tagsAreResolvedAgainstTheHead() throws Exception {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 10, HEADS);
    LogsSplitter.Outcome o =
        s.serve(params("{\"fromBlock\":\"0x3d9\"}"), sync(f -> node(f, 10)))
            .toCompletableFuture()
            .join();
    assertEquals(range(985, 1000), blocks(o));
    o =
        s.serve(
                params("{\"fromBlock\":\"0x370\",\"toBlock\":\"finalized\"}"),
                sync(f -> node(f, 10)))
            .toCompletableFuture()
            .join();
    assertEquals(range(880, 900), blocks(o));
  }

  @Test
  void aChunkTheUpstreamRefusesAsTooLargeIsBisected() throws Exception {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 20, HEADS);
    LogsSplitter.Outcome o =
        s.serve(params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x28\"}"), sync(f -> node(f, 7)))
            .toCompletableFuture()
            .join();
    assertEquals(range(1, 40), blocks(o));
    assertTrue(asked.contains("1-20") && asked.contains("1-5"), asked.toString());
  }

  @Test
  void aFailedChunkFailsTheWholeCall() {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 10, HEADS);
    AtomicInteger calls = new AtomicInteger();
    LogsSplitter.Outcome o =
        s.serve(
                params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x32\"}"),
                sync(f ->
                    calls.incrementAndGet() == 2
                        ? new LogsSplitter.Failed(false, "no upstream available")
                        : node(f, 10)))
            .toCompletableFuture()
            .join();
    LogsSplitter.Refused r = assertInstanceOf(LogsSplitter.Refused.class, o);
    assertEquals(RpcErrorCode.LOGS_INCOMPLETE, r.error().code());
    assertTrue(r.error().message().contains("no partial answer"), r.error().message());
  }

  @Test
  void overTheGatewayCapTheRefusalStatesTheCap() {
    LogsSplitter s = new LogsSplitter("main", config(50, true), 10, HEADS);
    LogsSplitter.Refused r =
        assertInstanceOf(
            LogsSplitter.Refused.class,
            s.serve(params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x33\"}"), sync(f -> node(f, 10)))
                .toCompletableFuture()
                .join());
    assertEquals(RpcErrorCode.LOGS_TOO_LARGE, r.error().code());
    assertTrue(r.error().message().contains("51 blocks; at most 50"), r.error().message());
    assertEquals(List.of(), asked);
  }

  @Test
  void withSplittingOffALargeRangeIsForwarded() {
    LogsSplitter s = new LogsSplitter("main", config(0, false), 10, HEADS);
    assertInstanceOf(
        LogsSplitter.Forward.class,
        s.serve(params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x64\"}"), sync(f -> node(f, 10)))
            .toCompletableFuture()
            .join());
  }

  @Test
  void tooManyAddressesOrTopicsAreRefused() {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 10, HEADS);
    assertInstanceOf(
        LogsSplitter.Refused.class,
        s.serve(params("{\"address\":[\"0x1\",\"0x2\",\"0x3\",\"0x4\"]}"), sync(f -> node(f, 10)))
            .toCompletableFuture()
            .join());
    assertInstanceOf(
        LogsSplitter.Refused.class,
        s.serve(params("{\"topics\":[null,[\"0x1\",\"0x2\",\"0x3\"]]}"), sync(f -> node(f, 10)))
            .toCompletableFuture()
            .join());
  }

  @Test
  void aJoinedAnswerOverTheSizeCapIsRefused() {
    LogsSplitter s =
        new LogsSplitter(
            "main", new LogsConfig(0, true, 2, 1000, 10, 10, 500, Map.of()), 10, HEADS);
    LogsSplitter.Refused r =
        assertInstanceOf(
            LogsSplitter.Refused.class,
            s.serve(params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x64\"}"), sync(f -> node(f, 10)))
                .toCompletableFuture()
                .join());
    assertEquals(RpcErrorCode.LOGS_TOO_LARGE, r.error().code());
  }

  @Test
  void rateLimitsAreNotMistakenForTooLarge() {
    assertTrue(LogsSplitter.tooLarge("query returned more than 10000 results"));
    assertTrue(LogsSplitter.tooLarge("block range is too wide"));
    assertTrue(!LogsSplitter.tooLarge("rate limit exceeded"));
  }

  @Test
  void theChunkSizeIsTheSmallestCapInTheGroup() {
    LogsConfig c =
        new LogsConfig(0, true, 4, 1000, 10, 10, 1, Map.of("a", 2000L, "b", 500L, "c", 0L));
    assertEquals(500, c.chunkRange(List.of("a", "b", "c")));
    assertEquals(0, c.chunkRange(List.of("c")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"safe\"}",
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"0x7fffffffffffffff\"}",
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"0x8000000000000000\"}",
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"0xffffffffffffffff\"}",
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"0x00000000000000000003e8\"}",
        "{\"fromBlock\":\"0X0\",\"toBlock\":\"LATEST\"}",
        "{\"blockHash\":null,\"fromBlock\":\"0x0\"}",
      })
  void noWayOfWritingABoundGetsPastTheCap(String filter) {
    LogsSplitter s = new LogsSplitter("main", config(50, true), 10, HEADS);
    LogsSplitter.Refused r =
        assertInstanceOf(
            LogsSplitter.Refused.class,
            s.serve(params(filter), sync(f -> node(f, 10))).toCompletableFuture().join());
    assertEquals(RpcErrorCode.LOGS_TOO_LARGE, r.error().code(), r.error().message());
    assertEquals(List.of(), asked);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[{\"fromBlock\":\"0x0\",\"toBlock\":\"0x10000000000000000\"}]",
        "[{\"fromBlock\":\"latest\",\"FROMBLOCK\":\"0x0\"}]",
        "[{\"fromBlock\":\"latest\"},{\"fromBlock\":\"0x0\"}]",
        "[{\"fromBlock\":\"latest\"},null]",
        "[]",
        "[null]",
        "{\"fromBlock\":\"0x0\"}",
      })
  void whatNoNodeServesIsRefusedAsInvalidParams(String rawParams) {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 10, HEADS);
    LogsSplitter.Refused r =
        assertInstanceOf(
            LogsSplitter.Refused.class,
            s.serve(rawParams.getBytes(StandardCharsets.UTF_8), sync(f -> node(f, 10)))
                .toCompletableFuture()
                .join());
    assertEquals(RpcErrorCode.INVALID_PARAMS, r.error().code(), r.error().message());
    assertInstanceOf(
        LogsSplitter.Refused.class,
        s.serve(null, sync(f -> node(f, 10))).toCompletableFuture().join());
    assertEquals(List.of(), asked);
  }

  @Test
  void whileNoHeadIsKnownACappedRangeIsRefusedAndAnUncappedOneForwarded() {
    ChainHeads none = heads(-1);
    byte[] all = params("{\"fromBlock\":\"0x0\"}");
    LogsSplitter.Refused r =
        assertInstanceOf(
            LogsSplitter.Refused.class,
            new LogsSplitter("main", config(50, true), 10, none)
                .serve(all, sync(f -> node(f, 10)))
                .toCompletableFuture()
                .join());
    assertEquals(RpcErrorCode.LOGS_TOO_LARGE, r.error().code());
    assertInstanceOf(
        LogsSplitter.Forward.class,
        new LogsSplitter("main", config(0, true), 10, none)
            .serve(all, sync(f -> node(f, 10)))
            .toCompletableFuture()
            .join());
    assertEquals(List.of(), asked);
  }

  @Test
  void aHeadNearTwoToThe63OverflowsNeitherTheCapNorTheChunks() throws Exception {
    ChainHeads top = heads(Long.MAX_VALUE);
    LogsSplitter.Refused r =
        assertInstanceOf(
            LogsSplitter.Refused.class,
            new LogsSplitter("main", config(50, true), 10, top)
                .serve(params("{\"fromBlock\":\"earliest\"}"), sync(f -> node(f, 10)))
                .toCompletableFuture()
                .join());
    assertTrue(r.error().message().contains("spans 9223372036854775808 blocks"), r.toString());

    long head = Long.MAX_VALUE - 1;
    String from = "0x" + Long.toHexString(head - 25);
    LogsSplitter.Outcome o =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () ->
                new LogsSplitter("main", config(0, true), 10, heads(head))
                    .serve(params("{\"fromBlock\":\"" + from + "\"}"), sync(f -> node(f, 10, head)))
                    .toCompletableFuture()
                    .join());
    assertEquals(range(head - 25, head), blocks(o));
    assertEquals(3, asked.size(), asked.toString());
  }

  @Test
  void aToBlockAboveTheHeadIsSplitUpToTheHeadAndAnswersAsTheNodeDoes() throws Exception {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 10, HEADS);
    for (String to : List.of("0x44c", "0x7fffffffffffffff", "0xffffffffffffffff")) {
      String filter = "{\"fromBlock\":\"0x3d4\",\"toBlock\":\"" + to + "\"}";
      for (long nodeHead : List.of(1000L, 1003L)) {
        asked.clear();
        LogsSplitter.Outcome o =
            s.serve(params(filter), sync(f -> node(f, 10, nodeHead))).toCompletableFuture().join();
        assertEquals(range(980, nodeHead), blocks(o), to + " on a node at " + nodeHead);
        assertEquals(
            Set.of("980-989", "990-999", "1000-" + Quantity.blockNumber(to)),
            Set.copyOf(asked),
            to);
      }
    }
  }

  @Test
  void aChunkPastTheHeadTheUpstreamRefusesAsTooLargeIsBisectedOnTheChain() throws Exception {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 10, HEADS);
    for (String from : List.of("0x3d4", "0x3d5")) {
      asked.clear();
      LogsSplitter.Outcome o =
          s.serve(
                  params("{\"fromBlock\":\"" + from + "\",\"toBlock\":\"0x44c\"}"),
                  sync(f -> node(f, 4, 1003)))
              .toCompletableFuture()
              .join();
      assertEquals(range(Long.decode(from), 1003), blocks(o), from);
      assertTrue(asked.stream().anyMatch(r -> r.endsWith("-1100")), asked.toString());
    }
  }

  @Test
  void aChunkPastTheHeadIsCutOnceMoreAtMostThenFails() {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 10, HEADS);
    LogsSplitter.Refused r =
        assertInstanceOf(
            LogsSplitter.Refused.class,
            s.serve(
                    params("{\"fromBlock\":\"0x3d4\",\"toBlock\":\"0xffffffffffffffff\"}"),
                    sync(f -> node(f, 10)))
                .toCompletableFuture()
                .join());
    assertEquals(RpcErrorCode.LOGS_INCOMPLETE, r.error().code());
    assertTrue(
        asked.containsAll(
                List.of("1000-9223372036854775807", "1000-1000", "1001-9223372036854775807"))
            && asked.size() <= 5,
        asked.toString());
  }

  @Test
  void aBlockPastTheNodesHeadIsNotMistakenForTooLarge() {
    assertTrue(
        !LogsSplitter.tooLarge("BlockOutOfRangeError: block height is 9 but requested was 10"));
    assertTrue(!LogsSplitter.tooLarge("block number out of range"));
  }

  @Test
  void aFromBlockAboveTheHeadGoesToTheNodeWhoseAnswerItIs() {
    LogsSplitter s = new LogsSplitter("main", config(500, true), 10, HEADS);
    for (String filter :
        List.of(
            "{\"fromBlock\":\"0x3ee\",\"toBlock\":\"0x44c\"}",
            "{\"fromBlock\":\"0x3e9\",\"toBlock\":\"0xffffffffffffffff\"}",
            "{\"fromBlock\":\"0x8000000000000000\"}")) {
      assertInstanceOf(
          LogsSplitter.Forward.class,
          s.serve(params(filter), sync(f -> node(f, 10, 1000))).toCompletableFuture().join(),
          filter);
    }
    assertEquals(List.of(), asked);
  }

  @Test
  void atMostConcurrencyChunksAreInFlightOnAsManyThreads() throws Exception {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 10, HEADS);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    LogsSplitter.Outcome o =
        s.serve(
                params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x3e8\"}"),
                sync(f -> {
                  threads.add(Thread.currentThread());
                  most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                  try {
                    Thread.yield();
                    return node(f, 10);
                  } finally {
                    inFlight.decrementAndGet();
                  }
                }))
            .toCompletableFuture()
            .join();
    assertEquals(range(1, 1000), blocks(o));
    assertEquals(100, asked.size());
    assertTrue(most.get() <= 3, most + " chunks in flight");
    assertTrue(threads.size() <= 3, threads.size() + " threads fetched chunks");
  }

  @Test
  void noChunkStartsAfterOneHasFailed() {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 10, HEADS);
    AtomicInteger calls = new AtomicInteger();
    LogsSplitter.Refused r =
        assertInstanceOf(
            LogsSplitter.Refused.class,
            s.serve(
                    params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x3e8\"}"),
                    sync(f ->
                        calls.incrementAndGet() >= 5
                            ? new LogsSplitter.Failed(false, "the client hung up")
                            : node(f, 10)))
                .toCompletableFuture()
                .join());
    assertEquals(RpcErrorCode.LOGS_INCOMPLETE, r.error().code());
    assertTrue(calls.get() <= 5 + 2, calls + " chunks fetched");
  }

  @Test
  void aRangeOfMoreChunksThanTheBoundIsRefusedBeforeAnyIsMade() {
    LogsConfig hundred = new LogsConfig(0, true, 3, 100, 3, 2, 1 << 20, Map.of());
    LogsSplitter.Refused r =
        assertInstanceOf(
            LogsSplitter.Refused.class,
            new LogsSplitter("main", hundred, 5, HEADS)
                .serve(
                    params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x1f9\"}"), sync(f -> node(f, 5)))
                .toCompletableFuture()
                .join());
    assertEquals(RpcErrorCode.LOGS_TOO_LARGE, r.error().code());
    assertTrue(
        r.error()
            .message()
            .contains("505 blocks, 101 upstream requests of at most 5 blocks; at most 100"),
        r.error().message());
    assertEquals(List.of(), asked);
    assertInstanceOf(
        LogsSplitter.Joined.class,
        new LogsSplitter("main", hundred, 5, HEADS)
            .serve(params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x1f4\"}"), sync(f -> node(f, 5)))
            .toCompletableFuture()
            .join());
    assertEquals(100, asked.size());

    asked.clear();
    LogsSplitter.Refused whole =
        assertInstanceOf(
            LogsSplitter.Refused.class,
            assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () ->
                    new LogsSplitter("main", hundred, 1, heads(Long.MAX_VALUE))
                        .serve(params("{\"fromBlock\":\"earliest\"}"), sync(f -> node(f, 1)))
                        .toCompletableFuture()
                        .join()));
    assertTrue(
        whole.error().message().contains("9223372036854775808 upstream requests"),
        whole.error().message());
    assertEquals(List.of(), asked);
  }

  @Test
  void withoutAHeadNumericBoundsWithinTheCapAreServedAndOverItWaitForTheHead() throws Exception {
    LogsSplitter s = new LogsSplitter("main", config(50, true), 10, heads(-1));
    assertInstanceOf(
        LogsSplitter.Forward.class,
        s.serve(params("{\"fromBlock\":\"0x0\",\"toBlock\":\"0x5\"}"), sync(f -> node(f, 10)))
            .toCompletableFuture()
            .join());
    assertEquals(
        range(0, 49),
        blocks(
            s.serve(
                    params("{\"fromBlock\":\"earliest\",\"toBlock\":\"0x31\"}"),
                    sync(f -> node(f, 10)))
                .toCompletableFuture()
                .join()));
    assertEquals(5, asked.size(), asked.toString());

    asked.clear();
    LogsSplitter.Refused over =
        assertInstanceOf(
            LogsSplitter.Refused.class,
            s.serve(params("{\"fromBlock\":\"0x0\",\"toBlock\":\"0x32\"}"), sync(f -> node(f, 10)))
                .toCompletableFuture()
                .join());
    assertEquals(RpcErrorCode.LOGS_TOO_LARGE, over.error().code());
    assertTrue(over.error().message().contains("head"), over.error().message());
    LogsSplitter.Refused tooLarge =
        assertInstanceOf(
            LogsSplitter.Refused.class,
            s.serve(params("{\"fromBlock\":\"0x0\",\"toBlock\":\"0x31\"}"), sync(f -> node(f, 4)))
                .toCompletableFuture()
                .join());
    assertEquals(RpcErrorCode.LOGS_INCOMPLETE, tooLarge.error().code());
    assertTrue(asked.size() <= 5, "no block is known on the chain to bisect in: " + asked);

    asked.clear();
    LogsConfig uncapped = new LogsConfig(0, true, 3, 100, 3, 2, 1 << 20, Map.of());
    assertInstanceOf(
        LogsSplitter.Forward.class,
        new LogsSplitter("main", uncapped, 1, heads(-1))
            .serve(
                params("{\"fromBlock\":\"0x0\",\"toBlock\":\"0xffffffffffffffff\"}"),
                sync(f -> node(f, 1)))
            .toCompletableFuture()
            .join());
    assertEquals(List.of(), asked);
  }

  private static ChainHeads heads(long latest) {
    return new ChainHeads() {
      @Override
      public long latest() {
        return latest;
      }

      @Override
      public long safe() {
        return -1;
      }

      @Override
      public long finalized() {
        return -1;
      }
    };
  }
}
