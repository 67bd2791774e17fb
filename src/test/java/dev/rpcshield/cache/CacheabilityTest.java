package dev.rpcshield.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CacheabilityTest {
  private static final long FINALIZED = 100;
  private static final String HASH =
      "0xAbCdEf0000000000000000000000000000000000000000000000000000000001";

  private static Cacheability.Ticket classify(String method, String params) {
    return Cacheability.classify(
        method, params == null ? null : params.getBytes(StandardCharsets.UTF_8), FINALIZED);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "eth_chainId|[]|FOREVER",
        "net_version||FOREVER",
        "eth_getBlockByNumber|[\"0x64\",false]|BY_NUMBER",
        "eth_getBlockByNumber|[\"0x1\",true]|BY_NUMBER",
        "eth_getBalance|[\"0x00000000000000000000000000000000000000aa\",\"0x10\"]|BY_NUMBER",
        "eth_call|[{\"to\":\"0x00000000000000000000000000000000000000aa\"},{\"blockNumber\":\"0x5\"}]|BY_NUMBER",
        "eth_getStorageAt|[\"0x00000000000000000000000000000000000000aa\",\"0x0\",\"0x5\"]|BY_NUMBER",
        "eth_getLogs|[{\"fromBlock\":\"0x1\",\"toBlock\":\"0x64\"}]|BY_NUMBER",
        "eth_getBlockByHash|[\"" + HASH + "\",false]|BY_HASH",
        "eth_getTransactionReceipt|[\"" + HASH + "\"]|BY_HASH",
        "eth_getBlockReceipts|[\"" + HASH + "\"]|BY_HASH",
      })
  void answersThatCannotChangeAreCacheable(String method, String params, Cacheability.Kind kind) {
    Cacheability.Ticket t = classify(method, params);
    assertNotNull(t, method + " " + params);
    assertEquals(kind, t.kind());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "eth_blockNumber|[]",
        "eth_gasPrice|[]",
        "eth_getBlockByNumber|[\"latest\",false]",
        "eth_getBlockByNumber|[\"pending\",false]",
        "eth_getBlockByNumber|[\"safe\",false]",
        "eth_getBlockByNumber|[\"finalized\",false]",
        "eth_getBlockByNumber|[\"earliest\",false]",
        "eth_getBlockByNumber|[\"0x65\",false]",
        "eth_getBalance|[\"0x00000000000000000000000000000000000000aa\"]",
        "eth_call|[{\"to\":\"0x00000000000000000000000000000000000000aa\"}]",
        "eth_call|[{\"to\":\"0x00000000000000000000000000000000000000aa\"},\"latest\"]",
        "eth_call|[{\"to\":\"0x00000000000000000000000000000000000000aa\"},{\"blockHash\":\""
            + HASH
            + "\"}]",
        "eth_getLogs|[{\"fromBlock\":\"0x1\",\"toBlock\":\"0x65\"}]",
        "eth_getLogs|[{\"fromBlock\":\"0x1\"}]",
        "eth_getLogs|[{\"fromBlock\":\"0x1\",\"toBlock\":\"latest\"}]",
        "eth_getLogs|[{\"blockHash\":\"" + HASH + "\"}]",
        "eth_getTransactionReceipt|[\"0x12\"]",
        "eth_sendRawTransaction|[\"0x02\"]",
        "eth_getBlockByNumber|not json",
      })
  void answersThatMayChangeAreNot(String method, String params) {
    assertNull(classify(method, params), method + " " + params);
  }

  @Test
  void withoutAFinalizedHeadNothingByNumberIsCacheable() {
    assertNull(
        Cacheability.classify(
            "eth_getBlockByNumber", "[\"0x1\",false]".getBytes(StandardCharsets.UTF_8), -1));
  }

  @Test
  void equalQuestionsShareOneCanonicalForm() {
    String a =
        classify(
                "eth_getLogs",
                "[{\"toBlock\":\"0x0040\",\"address\":\"0xAAAAaaaaAAAAaaaaAAAAaaaaAAAAaaaaAAAAaaaa\","
                    + "\"fromBlock\":\"0x01\"}]")
            .params();
    String b =
        classify(
                "eth_getLogs",
                "[{\"fromBlock\":\"0x1\",\"address\":\"0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
                    + "\"toBlock\":\"0x40\"}]")
            .params();
    assertEquals(a, b);
    assertEquals(
        classify("eth_getBlockByNumber", "[\"0x000A\",false]").params(),
        classify("eth_getBlockByNumber", "[\"0xa\",false]").params());
    assertEquals(
        classify("eth_getBlockByHash", "[\"" + HASH + "\",false]").params(),
        classify("eth_getBlockByHash", "[\"" + HASH.toLowerCase() + "\",false]").params());
  }

  @Test
  void differentQuestionsDoNot() {
    assertNotEquals(
        classify("eth_getBlockByNumber", "[\"0xa\",false]"),
        classify("eth_getBlockByNumber", "[\"0xa\",true]"));
    assertNotEquals(
        classify(
            "eth_getStorageAt",
            "[\"0x00000000000000000000000000000000000000aa\",\"0x01\",\"0x5\"]"),
        classify(
            "eth_getStorageAt", "[\"0x00000000000000000000000000000000000000aa\",\"0x1\",\"0x5\"]"),
        "a storage slot is data: only its case is normalised");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "eth_getBlockByHash|{\"number\":\"0x10\",\"transactions\":[{\"blockNumber\":\"0x99\"}]}|16",
        "eth_getTransactionReceipt|{\"status\":\"0x1\",\"blockNumber\":\"0x20\"}|32",
        "eth_getTransactionByHash|{\"blockNumber\":null,\"hash\":\"0x1\"}|-1",
        "eth_getBlockReceipts|[{\"blockNumber\":\"0x7\"},{\"blockNumber\":\"0x7\"}]|7",
        "eth_getBlockReceipts|[]|-1",
        "eth_getTransactionReceipt|null|-1",
      })
  void theBlockOfAnAnswerByHash(String method, String result, long block) {
    assertEquals(block, Cacheability.blockOf(method, result));
  }
}
