package dev.rpcshield.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.cache.ChainHeads;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LogsSplitterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ChainHeads HEADS =
      new ChainHeads() {
        @Override
        public long latest() {
          return 1000;
        }

        @Override
        public long finalized() {
          return 900;
        }
      };

  /** Ranges asked, as "from-to". */
  private final List<String> asked = Collections.synchronizedList(new ArrayList<>());

  private static LogsConfig config(long maxRange, boolean split) {
    return new LogsConfig(maxRange, split, 3, 3, 2, 1 << 20, Map.of());
  }

  private static byte[] params(String filter) {
    return ("[" + filter + "]").getBytes(StandardCharsets.UTF_8);
  }

  /** A node with one log in every block: its blockNumber and logIndex 0. */
  private LogsSplitter.Chunk node(String filterJson, long refuseOver) {
    try {
      JsonNode f = JSON.readTree(filterJson);
      long from = Long.decode(f.get("fromBlock").asText());
      long to = Long.decode(f.get("toBlock").asText());
      asked.add(from + "-" + to);
      if (to - from + 1 > refuseOver) {
        return new LogsSplitter.Failed(true, "query exceeds max block range " + refuseOver);
      }
      StringBuilder sb = new StringBuilder("[");
      for (long b = from; b <= to; b++) {
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
        s.serve(params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x64\"}"), f -> node(f, 10));
    assertEquals(range(1, 100), blocks(o));
    assertEquals(10, asked.size());
    assertTrue(asked.contains("91-100"));
  }

  @Test
  void withinTheCapItIsForwardedUnchanged() {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 10, HEADS);
    assertInstanceOf(
        LogsSplitter.Forward.class,
        s.serve(params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0xa\"}"), f -> node(f, 10)));
    assertEquals(List.of(), asked);
  }

  @Test
  void tagsAreResolvedAgainstTheHead() throws Exception {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 10, HEADS);
    LogsSplitter.Outcome o = s.serve(params("{\"fromBlock\":\"0x3d9\"}"), f -> node(f, 10));
    assertEquals(range(985, 1000), blocks(o));
    o = s.serve(params("{\"fromBlock\":\"0x370\",\"toBlock\":\"finalized\"}"), f -> node(f, 10));
    assertEquals(range(880, 900), blocks(o));
  }

  @Test
  void aChunkTheUpstreamRefusesAsTooLargeIsBisected() throws Exception {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 20, HEADS);
    LogsSplitter.Outcome o =
        s.serve(params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x28\"}"), f -> node(f, 7));
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
            f ->
                calls.incrementAndGet() == 2
                    ? new LogsSplitter.Failed(false, "no upstream available")
                    : node(f, 10));
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
            s.serve(params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x33\"}"), f -> node(f, 10)));
    assertEquals(RpcErrorCode.LOGS_TOO_LARGE, r.error().code());
    assertTrue(r.error().message().contains("51 blocks; at most 50"), r.error().message());
    assertEquals(List.of(), asked);
  }

  @Test
  void withSplittingOffALargeRangeIsForwarded() {
    LogsSplitter s = new LogsSplitter("main", config(0, false), 10, HEADS);
    assertInstanceOf(
        LogsSplitter.Forward.class,
        s.serve(params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x64\"}"), f -> node(f, 10)));
  }

  @Test
  void tooManyAddressesOrTopicsAreRefused() {
    LogsSplitter s = new LogsSplitter("main", config(0, true), 10, HEADS);
    assertInstanceOf(
        LogsSplitter.Refused.class,
        s.serve(params("{\"address\":[\"0x1\",\"0x2\",\"0x3\",\"0x4\"]}"), f -> node(f, 10)));
    assertInstanceOf(
        LogsSplitter.Refused.class,
        s.serve(params("{\"topics\":[null,[\"0x1\",\"0x2\",\"0x3\"]]}"), f -> node(f, 10)));
  }

  @Test
  void aJoinedAnswerOverTheSizeCapIsRefused() {
    LogsSplitter s =
        new LogsSplitter("main", new LogsConfig(0, true, 2, 10, 10, 500, Map.of()), 10, HEADS);
    LogsSplitter.Refused r =
        assertInstanceOf(
            LogsSplitter.Refused.class,
            s.serve(params("{\"fromBlock\":\"0x1\",\"toBlock\":\"0x64\"}"), f -> node(f, 10)));
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
    LogsConfig c = new LogsConfig(0, true, 4, 10, 10, 1, Map.of("a", 2000L, "b", 500L, "c", 0L));
    assertEquals(500, c.chunkRange(List.of("a", "b", "c")));
    assertEquals(0, c.chunkRange(List.of("c")));
  }
}
