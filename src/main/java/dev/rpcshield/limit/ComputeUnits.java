package dev.rpcshield.limit;

import java.util.HashMap;
import java.util.Map;

/**
 * Compute units per method, Alchemy-compatible by default, overridable per method in config ({@code
 * rpcshield.cu.<method>}); a method not in the table costs {@code rpcshield.cu.default}.
 */
public final class ComputeUnits {
  /**
   * Defaults, after the published Alchemy compute-unit table. Methods no provider prices yet cost
   * what the closest listed one does: eth_config, eth_baseFee, eth_capabilities and eth_coinbase,
   * lookups in the node's memory, as eth_blobBaseFee; eth_getStorageValues as eth_getStorageAt (per
   * call, however many slots); eth_fillTransaction, which estimates gas, as eth_estimateGas;
   * eth_getBlockAccessList, a whole block's worth, as eth_getBlockReceipts.
   */
  public static final Map<String, Integer> DEFAULTS =
      Map.ofEntries(
          Map.entry("eth_chainId", 0),
          Map.entry("net_version", 0),
          Map.entry("eth_accounts", 0),
          Map.entry("net_listening", 0),
          Map.entry("web3_clientVersion", 0),
          Map.entry("eth_protocolVersion", 0),
          Map.entry("eth_syncing", 0),
          Map.entry("web3_sha3", 10),
          Map.entry("net_peerCount", 10),
          Map.entry("eth_blockNumber", 10),
          Map.entry("eth_gasPrice", 20),
          Map.entry("eth_maxPriorityFeePerGas", 10),
          Map.entry("eth_blobBaseFee", 10),
          Map.entry("eth_baseFee", 10),
          Map.entry("eth_config", 10),
          Map.entry("eth_capabilities", 10),
          Map.entry("eth_coinbase", 10),
          Map.entry("eth_feeHistory", 10),
          Map.entry("eth_getBalance", 20),
          Map.entry("eth_getCode", 20),
          Map.entry("eth_getStorageAt", 20),
          Map.entry("eth_getStorageValues", 20),
          Map.entry("eth_getTransactionCount", 20),
          Map.entry("eth_getBlockByNumber", 20),
          Map.entry("eth_getBlockByHash", 20),
          Map.entry("eth_getBlockReceipts", 500),
          Map.entry("eth_getBlockAccessList", 500),
          Map.entry("eth_getBlockTransactionCountByHash", 20),
          Map.entry("eth_getBlockTransactionCountByNumber", 20),
          Map.entry("eth_getTransactionByHash", 20),
          Map.entry("eth_getTransactionByBlockHashAndIndex", 20),
          Map.entry("eth_getTransactionByBlockNumberAndIndex", 20),
          Map.entry("eth_getTransactionReceipt", 20),
          Map.entry("eth_getUncleByBlockHashAndIndex", 20),
          Map.entry("eth_getUncleByBlockNumberAndIndex", 20),
          Map.entry("eth_getUncleCountByBlockHash", 20),
          Map.entry("eth_getUncleCountByBlockNumber", 20),
          Map.entry("eth_call", 26),
          Map.entry("eth_estimateGas", 20),
          Map.entry("eth_fillTransaction", 20),
          Map.entry("eth_simulateV1", 40),
          Map.entry("eth_createAccessList", 20),
          Map.entry("eth_getProof", 20),
          Map.entry("eth_getLogs", 60),
          Map.entry("eth_sendRawTransaction", 40),
          Map.entry("eth_subscribe", 10),
          Map.entry("eth_unsubscribe", 10));

  private final Map<String, Integer> table;
  private final int unknown;

  /**
   * @param overrides per-method costs replacing the defaults
   * @param unknown cost of a method not in the table (default 20)
   */
  public ComputeUnits(Map<String, Integer> overrides, int unknown) {
    Map<String, Integer> t = new HashMap<>(DEFAULTS);
    t.putAll(overrides);
    this.table = Map.copyOf(t);
    this.unknown = unknown;
  }

  public int of(String method) {
    return table.getOrDefault(method, unknown);
  }
}
