package dev.rpcshield.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcshield.cache.ChainHeads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FilterRangeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Heads(long latest, long safe, long finalized) implements ChainHeads {}

  /** anvil's heads: safe and finalized one and two epochs of 32 blocks behind. */
  private static final Heads HEADS = new Heads(1000, 968, 936);

  private static final String HASH =
      "\"0xabababababababababababababababababababababababababababababababab\"";

  private static FilterRange.Reading read(String filter, ChainHeads heads) throws Exception {
    return FilterRange.read((ObjectNode) JSON.readTree(filter), heads);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{}|1000|1000|1000",
        "{\"fromBlock\":\"0x3e0\"}|992|1000|1000",
        "{\"fromBlock\":\"0x3e0\",\"toBlock\":null}|992|1000|1000",
        "{\"fromBlock\":\"earliest\",\"toBlock\":\"latest\"}|0|1000|1000",
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"pending\"}|0|1000|1000",
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"safe\"}|0|968|968",
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"finalized\"}|0|936|936",
        "{\"fromBlock\":\"finalized\",\"toBlock\":\"safe\"}|936|968|968",
        "{\"fromBlock\":\"pending\",\"toBlock\":\"latest\"}|1000|1000|1000",
        "{\"fromBlock\":\"SAFE\",\"toBlock\":\"Latest\"}|968|1000|1000",
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"EARLIEST\"}|0|0|0",
        "{\"fromBlock\":\"0X10\",\"toBlock\":\"0x00000000000000000000000000020\"}|16|32|32",
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"0x3e8\"}|0|1000|1000",
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"0x3e9\"}|0|1000|1001",
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"0x7fffffffffffffff\"}|0|1000|9223372036854775807",
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"0x8000000000000000\"}|0|1000|9223372036854775807",
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"0xffffffffffffffff\"}|0|1000|9223372036854775807",
        "{\"blockHash\":null,\"fromBlock\":\"0x0\"}|0|1000|1000",
        "{\"fromBlock\":\"0x0\",\"address\":null,\"topics\":[null]}|0|1000|1000",
      })
  void everyTagAndNumberIsABlockAndAToBlockAboveTheHeadCountsAsTheHead(
      String filter, long from, long to, long toAsked) throws Exception {
    assertEquals(new FilterRange.Span(from, to, toAsked), read(filter, HEADS));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"fromBlock\":\"0x3e9\"}",
        "{\"fromBlock\":\"0x3e9\",\"toBlock\":\"0xffffffffffffffff\"}",
        "{\"fromBlock\":\"0x7fffffffffffffff\",\"toBlock\":\"0x7fffffffffffffff\"}",
        "{\"fromBlock\":\"0xffffffffffffffff\"}",
        "{\"fromBlock\":\"0x20\",\"toBlock\":\"0x10\"}",
        "{\"fromBlock\":\"latest\",\"toBlock\":\"safe\"}",
        "{\"blockHash\":" + HASH + "}",
        "{\"blockHash\":" + HASH + ",\"fromBlock\":null,\"toBlock\":null}",
      })
  void aFromBlockAboveTheHeadOrTheToBlockOrABlockHashIsTheNodesToAnswer(String filter)
      throws Exception {
    assertInstanceOf(FilterRange.AsSent.class, read(filter, HEADS));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"fromBlock\":\"0x0\",\"toBlock\":\"0x10000000000000000\"}",
        "{\"fromBlock\":\"0x1ffffffffffffffff\"}",
        "{\"fromBlock\":16}",
        "{\"fromBlock\":\"16\"}",
        "{\"fromBlock\":\"0x\"}",
        "{\"fromBlock\":\"0x-1\"}",
        "{\"toBlock\":\" 0x10\"}",
        "{\"toBlock\":\"lates\"}",
        "{\"toBlock\":\"\"}",
        "{\"toBlock\":true}",
        "{\"toBlock\":{\"blockNumber\":\"0x10\"}}",
        "{\"FROMBLOCK\":\"0x0\"}",
        "{\"fromblock\":\"0x0\"}",
        "{\"fromBlock\":\"0x0\",\"limit\":1}",
        "{\"blockHash\":" + HASH + ",\"fromBlock\":\"0x0\"}",
        "{\"blockHash\":" + HASH + ",\"toBlock\":\"latest\"}",
        "{\"blockHash\":\"0x12\"}",
        "{\"blockHash\":123}",
      })
  void whatNoNodeServesIsInvalid(String filter) throws Exception {
    assertInstanceOf(FilterRange.Invalid.class, read(filter, HEADS));
  }

  @Test
  void aBoundOnAHeadNotKnownCannotBeRead() throws Exception {
    Heads none = new Heads(-1, -1, -1);
    assertInstanceOf(FilterRange.Unknown.class, read("{\"fromBlock\":\"0x0\"}", none));
    assertInstanceOf(FilterRange.Unknown.class, read("{\"toBlock\":\"0x5\"}", none));
    Heads noFinality = new Heads(1000, -1, -1);
    assertInstanceOf(
        FilterRange.Unknown.class,
        read("{\"fromBlock\":\"0x0\",\"toBlock\":\"safe\"}", noFinality));
    assertInstanceOf(FilterRange.Unknown.class, read("{\"fromBlock\":\"finalized\"}", noFinality));
  }

  @Test
  void numericBoundsWithoutAHeadAreReadAsWritten() throws Exception {
    Heads none = new Heads(-1, -1, -1);
    assertEquals(
        new FilterRange.NoHead(0, 5), read("{\"fromBlock\":\"0x0\",\"toBlock\":\"0x5\"}", none));
    assertEquals(
        new FilterRange.NoHead(0, 0xffff),
        read("{\"fromBlock\":\"earliest\",\"toBlock\":\"0X0ffff\"}", none));
    assertInstanceOf(
        FilterRange.AsSent.class, read("{\"fromBlock\":\"0x6\",\"toBlock\":\"0x5\"}", none));
  }

  @Test
  void theBlockCountOfTheWholeLongRangeDoesNotOverflow() throws Exception {
    FilterRange.Span all =
        assertInstanceOf(
            FilterRange.Span.class,
            read("{\"fromBlock\":\"earliest\"}", new Heads(Long.MAX_VALUE, -1, -1)));
    assertEquals(new FilterRange.Span(0, Long.MAX_VALUE, Long.MAX_VALUE), all);
    assertEquals("9223372036854775808", FilterRange.blocks(all.from(), all.to()));
  }
}
