package dev.rpcshield.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.sender.InvalidTransactionException;
import dev.rpcshield.sender.RawTransactionDecoder;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The addresses a call names, for a contract allowlist. A call object ({@code eth_call}, {@code
 * eth_estimateGas}, {@code eth_createAccessList}, {@code eth_fillTransaction}, {@code
 * debug_traceCall}, {@code trace_call}, each call of an {@code eth_callMany} bundle or an {@code
 * eth_simulateV1} block) names its {@code to} and the {@code address} of its access list and
 * authorization list entries. Its {@code from} is named in {@code eth_fillTransaction}, whose
 * answer is the sender's nonce; when sent, in the tracing and simulation methods, whose answers
 * show the sender's state; and in {@code eth_call}, {@code eth_estimateGas} and {@code
 * eth_createAccessList} only when the call moves value or pays a fee, since whether it then fails
 * tells the sender's balance (a dApp's plain call from its user's wallet names no more than its
 * {@code to}). A state override names its accounts and may set only their balance and nonce; a
 * block override names its fee recipient and withdrawal addresses. Then the {@code address} (one or
 * a list) of an {@code eth_getLogs} filter or a {@code logs} subscription; the account of {@code
 * eth_getBalance}, {@code eth_getCode}, {@code eth_getStorageAt}, {@code eth_getTransactionCount},
 * {@code eth_getProof}; the accounts of {@code eth_getStorageValues}; the decoded {@code to} of a
 * raw transaction.
 *
 * <p>A call the list cannot vouch for is {@code unbounded}: one that names no address where it
 * should (a filter without one, a contract creation), overrides code or storage, asks for a
 * JavaScript tracer or for a trace of accounts it does not name ({@code prestateTracer}, a {@code
 * stateDiff}, which report the fee recipient), has more params than its method takes, or is of a
 * method this class does not read. Field names are matched in any case, as geth's JSON decoding
 * matches them.
 */
final class CallAddresses {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Methods that name no address; every other method not read below is unbounded. */
  private static final Set<String> NAME_NOTHING =
      Set.of(
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
          "eth_gasPrice",
          "eth_baseFee",
          "eth_blobBaseFee",
          "eth_maxPriorityFeePerGas",
          "eth_feeHistory",
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
          "eth_unsubscribe",
          "eth_newBlockFilter",
          "eth_newPendingTransactionFilter",
          "eth_getFilterChanges",
          "eth_getFilterLogs",
          "eth_uninstallFilter");

  private static final Set<String> ACCOUNT_FIRST =
      Set.of(
          "eth_getBalance",
          "eth_getCode",
          "eth_getStorageAt",
          "eth_getTransactionCount",
          "eth_getProof");

  private static final Set<String> QUIET_SUBSCRIPTIONS =
      Set.of("newHeads", "newPendingTransactions", "syncing");

  /**
   * Tracers that report only what the call's own execution does (no JavaScript, and not {@code
   * prestateTracer}, which reports the state of the fee recipient).
   */
  private static final Set<String> BUILT_IN_TRACERS =
      Set.of("callTracer", "flatCallTracer", "4byteTracer", "noopTracer");

  /** {@code trace_call}'s trace types but {@code stateDiff}, which shows the fee recipient's. */
  private static final List<String> TRACE_TYPES = List.of("trace", "vmTrace");

  /**
   * What a call names.
   *
   * @param addresses the addresses named, as sent
   * @param unbounded whether the call may reach addresses it does not name
   */
  record Named(List<String> addresses, boolean unbounded) {
    static final Named NOTHING = new Named(List.of(), false);
    static final Named UNBOUNDED = new Named(List.of(), true);
  }

  private CallAddresses() {}

  /**
   * @throws InvalidTransactionException when a raw transaction cannot be decoded
   */
  static Named of(RpcCall call, RawTransactionDecoder decoder) throws InvalidTransactionException {
    String method = call.method();
    if (call.submitsTransaction()) {
      String to = decoder.recipient(call.firstStringParam());
      return to == null ? Named.UNBOUNDED : new Named(List.of(to), false);
    }
    if (NAME_NOTHING.contains(method)) {
      return Named.NOTHING;
    }
    CallObjects r = new CallObjects(params(call));
    switch (method) {
      case "eth_call", "eth_estimateGas", "eth_createAccessList" -> r.call(4, 2, 3);
      case "trace_call" -> parityTraceCall(r);
      case "eth_fillTransaction" -> r.fillTransaction();
      case "debug_traceCall" -> traceCall(r);
      case "eth_callMany" -> r.callMany();
      case "eth_simulateV1" -> r.simulate();
      case "eth_getLogs", "eth_newFilter" -> filter(r, r.param(0));
      case "eth_getStorageValues" -> storageValues(r);
      case "eth_subscribe" -> subscribe(r);
      default -> {
        if (ACCOUNT_FIRST.contains(method)) {
          r.address(r.param(0));
        } else {
          r.markUnbounded();
        }
      }
    }
    return r.named();
  }

  /** {@code [tx, traceTypes, block, stateOverrides, blockOverrides]}. */
  private static void parityTraceCall(CallObjects r) {
    if (!r.takes(5)) {
      return;
    }
    r.transaction(r.param(0), CallObjects.Sender.WHEN_SENT);
    for (JsonNode type : r.array(r.param(1))) {
      if (!CallObjects.isAny(type.asText(""), TRACE_TYPES)) {
        r.markUnbounded();
      }
    }
    r.stateOverride(r.param(3));
    r.blockOverrides(r.param(4));
  }

  /** {@code [tx, block, {stateOverrides, blockOverrides, tracer, ...}]}. */
  private static void traceCall(CallObjects r) {
    if (!r.takes(3)) {
      return;
    }
    r.transaction(r.param(0), CallObjects.Sender.WHEN_SENT);
    JsonNode config = r.param(2);
    if (CallObjects.absent(config)) {
      return;
    }
    if (!config.isObject()) {
      r.markUnbounded();
      return;
    }
    for (Map.Entry<String, JsonNode> f : config.properties()) {
      if (CallObjects.is(f.getKey(), "stateOverrides")) {
        r.stateOverride(f.getValue());
      } else if (CallObjects.is(f.getKey(), "blockOverrides")) {
        r.blockOverrides(f.getValue());
      } else if (CallObjects.is(f.getKey(), "tracer")
          && !f.getValue().isNull()
          && !BUILT_IN_TRACERS.contains(f.getValue().asText())) {
        r.markUnbounded();
      }
    }
  }

  private static void storageValues(CallObjects r) {
    JsonNode first = r.param(0);
    if (!first.isObject() || first.isEmpty()) {
      r.markUnbounded();
      return;
    }
    first.fieldNames().forEachRemaining(r::name);
  }

  private static void subscribe(CallObjects r) {
    String kind = r.param(0).asText("");
    if (kind.equals("logs")) {
      filter(r, r.param(1));
    } else if (!QUIET_SUBSCRIPTIONS.contains(kind)) {
      r.markUnbounded();
    }
  }

  private static void filter(CallObjects r, JsonNode filter) {
    List<JsonNode> named = r.fields(filter, "address");
    if (named.isEmpty()) {
      r.markUnbounded();
    }
    for (JsonNode address : named) {
      if (!address.isArray()) {
        r.address(address);
      } else if (address.isEmpty()) {
        r.markUnbounded();
      } else {
        address.forEach(r::address);
      }
    }
  }

  private static JsonNode params(RpcCall call) {
    byte[] raw = call.rawParams();
    if (raw == null) {
      return JSON.missingNode();
    }
    try {
      return JSON.readTree(raw);
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }
}
