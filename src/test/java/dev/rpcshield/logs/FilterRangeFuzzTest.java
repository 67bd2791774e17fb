package dev.rpcshield.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcshield.cache.ChainHeads;
import java.math.BigInteger;
import java.util.List;

/**
 * Any bounds against any heads give a reading, never an exception, and a span is on the chain:
 * {@code 0 <= from <= to <= head}, its block count exact even for the whole range of a long.
 */
class FilterRangeFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Heads(long latest, long safe, long finalized) implements ChainHeads {}

  @FuzzTest(maxDuration = "10s", maxExecutions = 200_000)
  void anyBoundsGiveAReadingOnTheChain(FuzzedDataProvider data) {
    Heads heads =
        new Heads(
            data.consumeLong(-1, Long.MAX_VALUE),
            data.consumeLong(-1, Long.MAX_VALUE),
            data.consumeLong(-1, Long.MAX_VALUE));
    ObjectNode filter = JSON.createObjectNode();
    for (String field : List.of("fromBlock", "toBlock", "blockHash")) {
      switch (data.consumeInt(0, 4)) {
        case 1 -> filter.putNull(field);
        case 2 -> filter.put(field, data.consumeString(80));
        case 3 -> filter.put(field, "0x" + data.consumeAsciiString(40));
        case 4 -> filter.put(field, data.consumeLong());
        default -> {}
      }
    }
    if (FilterRange.read(filter, heads) instanceof FilterRange.Span s) {
      assertTrue(0 <= s.from() && s.from() <= s.to() && s.to() <= heads.latest(), s.toString());
      assertEquals(
          BigInteger.valueOf(s.to()).subtract(BigInteger.valueOf(s.from())).add(BigInteger.ONE),
          new BigInteger(FilterRange.blocks(s.from(), s.to())),
          s.toString());
    }
  }
}
