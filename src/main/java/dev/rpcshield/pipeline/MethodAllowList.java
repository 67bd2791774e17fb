package dev.rpcshield.pipeline;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which methods callers may use. The default is the standard read methods plus
 * eth_sendRawTransaction; node-control namespaces (debug_, trace_, admin_, personal_, miner_,
 * anvil_, hardhat_, evm_, ...) are refused unless an operator lists them.
 */
public final class MethodAllowList {

  /** The token in {@code rpcshield.methods.allowed} that stands for {@link #STANDARD}. */
  public static final String STANDARD_TOKEN = "@standard";

  /**
   * Methods allowed by default: the read methods of the execution-apis specification's {@code eth}
   * namespace (src/eth/*.yaml, August 2026) and {@code net_version}, without filters (their state
   * lives on one node) and the methods that use the node's own keys (eth_sign, eth_signTransaction,
   * eth_sendTransaction); then the reads the specification dropped or never had that nodes still
   * serve ({@code web3_}, {@code net_listening}, {@code net_peerCount}, eth_protocolVersion,
   * uncles); eth_sendRawTransaction; eth_subscribe and eth_unsubscribe.
   */
  public static final List<String> STANDARD =
      List.of(
          "eth_chainId",
          "eth_syncing",
          "eth_coinbase",
          "eth_accounts",
          "eth_blockNumber",
          "eth_config",
          "eth_capabilities",
          "net_version",
          "eth_getBlockByHash",
          "eth_getBlockByNumber",
          "eth_getBlockTransactionCountByHash",
          "eth_getBlockTransactionCountByNumber",
          "eth_getBlockReceipts",
          "eth_getBlockAccessList",
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
          "eth_getTransactionReceipt",
          "web3_clientVersion",
          "web3_sha3",
          "net_listening",
          "net_peerCount",
          "eth_protocolVersion",
          "eth_getUncleCountByBlockHash",
          "eth_getUncleCountByBlockNumber",
          "eth_getUncleByBlockHashAndIndex",
          "eth_getUncleByBlockNumberAndIndex",
          "eth_sendRawTransaction",
          "eth_subscribe",
          "eth_unsubscribe");

  private final Set<String> exact = new HashSet<>();
  private final List<String> prefixes;
  private final Set<String> denied;

  /**
   * @param allowed names, prefixes ending in {@code *}, and {@value #STANDARD_TOKEN}
   * @param denied exact names refused even when allowed
   */
  public MethodAllowList(List<String> allowed, List<String> denied) {
    List<String> pre = new ArrayList<>();
    for (String a : allowed) {
      if (a.equals(STANDARD_TOKEN)) {
        exact.addAll(STANDARD);
      } else if (a.endsWith("*")) {
        pre.add(a.substring(0, a.length() - 1));
      } else {
        exact.add(a);
      }
    }
    this.prefixes = List.copyOf(pre);
    this.denied = Set.copyOf(denied);
  }

  /**
   * How metrics name {@code method}: itself when allowed by name, the pattern ({@code txpool_*})
   * when allowed by a prefix, so a client cannot make series of names it invents; null when not
   * allowed.
   */
  public String label(String method) {
    if (denied.contains(method)) {
      return null;
    }
    if (exact.contains(method)) {
      return method;
    }
    for (String p : prefixes) {
      if (method.startsWith(p)) {
        return p + "*";
      }
    }
    return null;
  }

  public boolean allows(String method) {
    return label(method) != null;
  }
}
