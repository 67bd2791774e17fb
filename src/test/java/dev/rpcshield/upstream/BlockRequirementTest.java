package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rpcshield.jsonrpc.Quantity;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BlockRequirementTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "eth_chainId|[]|false|-1|-1",
        "eth_sendRawTransaction|[\"0x01\"]|false|-1|-1",
        "eth_blockNumber|[]|true|-1|-1",
        "eth_getTransactionReceipt|[\"0xab\"]|true|-1|-1",
        "eth_getBlockByNumber|[\"0x10\",false]|true|16|-1",
        "eth_getBlockByNumber|[\"latest\",false]|true|-1|-1",
        "eth_getBalance|[\"0xabc\",\"0xff\"]|true|255|255",
        "eth_call|[{\"to\":\"0x1\",\"data\":\"0x\"},\"0x20\"]|true|32|32",
        "eth_call|[{\"to\":\"0x1\"},{\"blockNumber\":\"0x21\"}]|true|33|33",
        "eth_call|[{\"to\":\"0x1\"},{\"blockHash\":\"0xabc\"}]|true|-1|-1",
        "eth_getStorageAt|[\"0x1\",\"0x0\",\"0x30\"]|true|48|48",
        "eth_getStorageValues|[{\"0x1\":[\"0x0\"]},\"0x31\"]|true|49|49",
        "eth_simulateV1|[{\"blockStateCalls\":[]},\"0x32\"]|true|50|50",
        "eth_getBlockAccessList|[\"0x33\"]|true|51|-1",
        "eth_getLogs|[{\"fromBlock\":\"0x5\",\"toBlock\":\"0x9\"}]|true|9|-1",
        "eth_getLogs|[{\"fromBlock\":\"0x5\",\"toBlock\":\"latest\"}]|true|5|-1",
        "eth_getLogs|[{\"blockHash\":\"0xab\"}]|true|-1|-1",
        "eth_getBalance|[\"0xabc\",\"0xnothex\"]|true|-1|-1",
        "eth_getBalance|[\"0xabc\",\"0x-f\"]|true|-1|-1",
        "eth_getBalance|[\"0xabc\",\"0x+f\"]|true|-1|-1",
        "eth_getBalance|[\"0xabc\",\"0x7fffffffffffffff\"]|true|9223372036854775807|9223372036854775807",
        "eth_getBalance|[\"0xabc\",\"0xffffffffffffffff\"]|true|-1|-1",
      })
  void readsTheBlockACallNames(
      String method, String params, boolean sensitive, long block, long stateBlock) {
    BlockRequirement r = BlockRequirement.of(method, () -> params.getBytes(StandardCharsets.UTF_8));
    assertEquals(new BlockRequirement(sensitive, block, stateBlock), r);
  }

  @org.junit.jupiter.api.Test
  void callsThatTravelTogetherNeedTheOldestStateAnyOfThemReads() {
    BlockRequirement at16 = new BlockRequirement(true, 16, 16);
    BlockRequirement at9 = new BlockRequirement(true, 9, 9);
    BlockRequirement latest = BlockRequirement.HEAD;
    assertEquals(new BlockRequirement(true, 16, 9), at16.and(at9));
    assertEquals(new BlockRequirement(true, 16, 16), latest.and(at16));
    assertEquals(new BlockRequirement(true, 16, 16), at16.and(BlockRequirement.NONE));
    assertEquals(-1, latest.and(BlockRequirement.NONE).stateBlock());
  }

  /** Also an upstream's eth_blockNumber answer: none of these may throw. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "0xffffffffffffffff",
        "0x8000000000000000",
        "0x-2",
        "0x+2",
        "0x\u0661",
        "0x",
        "safe"
      })
  void anythingButAQuantityBelowTwoToThe63IsMinusOne(String text) {
    assertEquals(-1, Quantity.parse(text));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x64\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"number\":\"0x60\",\"hash\":\"0x1\"}},{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"hash\":\"0x2\",\"number\":\"0x40\"}}]|100|96|64|-1",
        "[{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":\"0x2105\"},{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x0\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"number\":\"0x0\"}},{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"number\":\"0x0\"}}]|0|0|0|8453",
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x64\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32000,\"message\":\"safe block not found\"}},{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":null}]|100|-1|-1|-1",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"batch not supported\"}}|-1|-1|-1|-1",
      })
  void headPollAnswersAreRead(String body, long latest, long safe, long finalized, long chain)
      throws Exception {
    assertArrayEquals(
        new long[] {latest, safe, finalized, chain},
        HeadPoller.parse(body.getBytes(StandardCharsets.UTF_8)));
  }
}
