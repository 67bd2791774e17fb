package dev.rpcshield.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.limit.ComputeUnits;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MethodAllowListTest {
  /**
   * The read methods of ethereum/execution-apis, src/eth/*.yaml at commit 033ca6e (August 2026):
   * block, capabilities, client, execute, fee_market, fill, state, transaction, and eth_getLogs.
   */
  private static final List<String> SPECIFIED_READS =
      List.of(
          "eth_getBlockByHash",
          "eth_getBlockByNumber",
          "eth_getBlockTransactionCountByHash",
          "eth_getBlockTransactionCountByNumber",
          "eth_getBlockReceipts",
          "eth_getBlockAccessList",
          "eth_capabilities",
          "eth_chainId",
          "eth_syncing",
          "eth_coinbase",
          "eth_accounts",
          "eth_blockNumber",
          "eth_config",
          "net_version",
          "eth_call",
          "eth_estimateGas",
          "eth_createAccessList",
          "eth_simulateV1",
          "eth_gasPrice",
          "eth_baseFee",
          "eth_blobBaseFee",
          "eth_maxPriorityFeePerGas",
          "eth_feeHistory",
          "eth_fillTransaction",
          "eth_getLogs",
          "eth_getBalance",
          "eth_getStorageAt",
          "eth_getStorageValues",
          "eth_getTransactionCount",
          "eth_getCode",
          "eth_getProof",
          "eth_getTransactionByHash",
          "eth_getTransactionByBlockHashAndIndex",
          "eth_getTransactionByBlockNumberAndIndex",
          "eth_getTransactionReceipt");

  /** The rest of that specification: filters, the node's own keys, and other namespaces. */
  private static final List<String> SPECIFIED_BUT_LEFT_OUT =
      List.of(
          "eth_newFilter",
          "eth_newBlockFilter",
          "eth_newPendingTransactionFilter",
          "eth_uninstallFilter",
          "eth_getFilterChanges",
          "eth_getFilterLogs",
          "eth_sign",
          "eth_signTransaction",
          "eth_sendTransaction",
          "debug_getRawBlock",
          "debug_traceTransaction",
          "txpool_content",
          "testing_buildBlockV1");

  private final MethodAllowList standard =
      new MethodAllowList(List.of(MethodAllowList.STANDARD_TOKEN), List.of());

  @Test
  void standardAllowsEveryReadOfTheSpecification() {
    List<String> refused = SPECIFIED_READS.stream().filter(m -> !standard.allows(m)).toList();
    assertEquals(List.of(), refused);
  }

  @Test
  void standardLeavesOutFiltersSigningAndOtherNamespaces() {
    List<String> allowed = SPECIFIED_BUT_LEFT_OUT.stream().filter(standard::allows).toList();
    assertEquals(List.of(), allowed);
  }

  @Test
  void everyStandardMethodHasAPriceOfItsOwn() {
    List<String> unpriced =
        MethodAllowList.STANDARD.stream()
            .filter(m -> !ComputeUnits.DEFAULTS.containsKey(m))
            .toList();
    assertEquals(List.of(), unpriced, "priced only by rpcshield.cu.default");
    ComputeUnits cu = new ComputeUnits(Map.of(), 20);
    assertEquals(40, cu.of("eth_simulateV1"), "Alchemy's price");
    assertEquals(cu.of("eth_getStorageAt"), cu.of("eth_getStorageValues"));
  }

  @Test
  void theSetIsExtendedByNameOrPrefixAndNarrowedByDenial() {
    MethodAllowList list =
        new MethodAllowList(
            List.of(MethodAllowList.STANDARD_TOKEN, "debug_traceTransaction", "txpool_*"),
            List.of("eth_coinbase"));
    assertTrue(list.allows("eth_simulateV1"));
    assertTrue(list.allows("debug_traceTransaction"));
    assertFalse(list.allows("debug_traceCall"));
    assertTrue(list.allows("txpool_status"));
    assertFalse(list.allows("eth_coinbase"));
  }

  @Test
  void metricsNameAMethodAPrefixAllowsByThePrefixSoNoClientCanAddSeries() {
    MethodAllowList list =
        new MethodAllowList(
            List.of(MethodAllowList.STANDARD_TOKEN, "debug_traceTransaction", "txpool_*"),
            List.of("eth_coinbase"));
    assertEquals("eth_call", list.label("eth_call"));
    assertEquals("debug_traceTransaction", list.label("debug_traceTransaction"));
    assertEquals("txpool_*", list.label("txpool_status"));
    assertEquals("txpool_*", list.label("txpool_madeUp123"));
    assertNull(list.label("eth_coinbase"));
    assertNull(list.label("debug_traceCall"));
  }
}
