package dev.rpcshield.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.sender.InvalidTransactionException;
import dev.rpcshield.sender.RawTransactionDecoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

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

  /** The fields of a call object that the sender's balance must cover. */
  private static final List<String> PAYING_FIELDS =
      List.of("value", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "maxFeePerBlobGas");

  private static final Pattern ZERO = Pattern.compile("0[xX]0*");

  /** The fields a state override may set with a contract list: neither code nor storage. */
  private static final List<String> ACCOUNT_OVERRIDE_FIELDS = List.of("balance", "nonce");

  /** Block override fields that name no address (geth's and reth's spellings). */
  private static final List<String> BLOCK_OVERRIDE_FIELDS =
      List.of(
          "number",
          "difficulty",
          "time",
          "gasLimit",
          "prevRandao",
          "random",
          "baseFeePerGas",
          "baseFee",
          "blobBaseFee",
          "beaconRoot",
          "blockHash");

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

  /** When a call object's {@code from} is named. */
  private enum Sender {
    ALWAYS,
    WHEN_SENT,
    WHEN_PAYING
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
    Reading r = new Reading(params(call));
    switch (method) {
      case "eth_call", "eth_estimateGas", "eth_createAccessList" -> r.call(4, 2, 3);
      case "trace_call" -> r.parityTraceCall();
      case "eth_fillTransaction" -> r.fillTransaction();
      case "debug_traceCall" -> r.traceCall();
      case "eth_callMany" -> r.callMany();
      case "eth_simulateV1" -> r.simulate();
      case "eth_getLogs", "eth_newFilter" -> r.filter(r.param(0));
      case "eth_getStorageValues" -> r.storageValues();
      case "eth_subscribe" -> r.subscribe();
      default -> {
        if (ACCOUNT_FIRST.contains(method)) {
          r.address(r.param(0));
        } else {
          r.unbounded = true;
        }
      }
    }
    return r.named();
  }

  /** The addresses of one call's params, gathered as they are read. */
  private static final class Reading {
    private final JsonNode params;
    private final List<String> addresses = new ArrayList<>();
    private boolean unbounded;

    Reading(JsonNode params) {
      this.params = params;
    }

    Named named() {
      if (unbounded) {
        return Named.UNBOUNDED;
      }
      return addresses.isEmpty() ? Named.NOTHING : new Named(List.copyOf(addresses), false);
    }

    JsonNode param(int index) {
      return params.path(index);
    }

    /** Whether params is an array of at most {@code arity}: a node might read a further one. */
    private boolean takes(int arity) {
      if (!params.isArray() || params.size() > arity) {
        unbounded = true;
        return false;
      }
      return true;
    }

    void call(int arity, int stateOverride, int blockOverrides) {
      if (takes(arity)) {
        transaction(param(0), Sender.WHEN_PAYING);
        stateOverride(param(stateOverride));
        blockOverrides(param(blockOverrides));
      }
    }

    void fillTransaction() {
      if (takes(1)) {
        transaction(param(0), Sender.ALWAYS);
      }
    }

    /** {@code [tx, traceTypes, block, stateOverrides, blockOverrides]}. */
    void parityTraceCall() {
      if (!takes(5)) {
        return;
      }
      transaction(param(0), Sender.WHEN_SENT);
      for (JsonNode type : array(param(1))) {
        if (TRACE_TYPES.stream().noneMatch(known -> is(type.asText(""), known))) {
          unbounded = true;
        }
      }
      stateOverride(param(3));
      blockOverrides(param(4));
    }

    /** {@code [tx, block, {stateOverrides, blockOverrides, tracer, ...}]}. */
    void traceCall() {
      if (!takes(3)) {
        return;
      }
      transaction(param(0), Sender.WHEN_SENT);
      JsonNode config = param(2);
      if (absent(config)) {
        return;
      }
      if (!config.isObject()) {
        unbounded = true;
        return;
      }
      for (Map.Entry<String, JsonNode> f : config.properties()) {
        if (is(f.getKey(), "stateOverrides")) {
          stateOverride(f.getValue());
        } else if (is(f.getKey(), "blockOverrides")) {
          blockOverrides(f.getValue());
        } else if (is(f.getKey(), "tracer")
            && !f.getValue().isNull()
            && !BUILT_IN_TRACERS.contains(f.getValue().asText())) {
          unbounded = true;
        }
      }
    }

    /** {@code [[{transactions: [tx...], blockOverride}...], stateContext, stateOverride]}. */
    void callMany() {
      if (!takes(4)) {
        return;
      }
      for (JsonNode bundle : array(param(0))) {
        for (Map.Entry<String, JsonNode> f : object(bundle)) {
          if (is(f.getKey(), "transactions")) {
            array(f.getValue()).forEach(tx -> transaction(tx, Sender.WHEN_SENT));
          } else if (is(f.getKey(), "blockOverride") || is(f.getKey(), "blockOverrides")) {
            blockOverrides(f.getValue());
          }
        }
      }
      stateOverride(param(2));
    }

    /**
     * {@code [{blockStateCalls: [{blockOverrides, stateOverrides, calls: [tx...]}...]}, block]}.
     */
    void simulate() {
      if (!takes(2)) {
        return;
      }
      for (Map.Entry<String, JsonNode> f : object(param(0))) {
        if (is(f.getKey(), "blockStateCalls")) {
          for (JsonNode block : array(f.getValue())) {
            simulatedBlock(block);
          }
        }
      }
    }

    private void simulatedBlock(JsonNode block) {
      for (Map.Entry<String, JsonNode> f : object(block)) {
        if (is(f.getKey(), "calls")) {
          array(f.getValue()).forEach(tx -> transaction(tx, Sender.WHEN_SENT));
        } else if (is(f.getKey(), "stateOverrides")) {
          stateOverride(f.getValue());
        } else if (is(f.getKey(), "blockOverrides")) {
          blockOverrides(f.getValue());
        }
      }
    }

    void storageValues() {
      JsonNode first = param(0);
      if (!first.isObject() || first.isEmpty()) {
        unbounded = true;
        return;
      }
      for (Iterator<String> names = first.fieldNames(); names.hasNext(); ) {
        addresses.add(names.next());
      }
    }

    void subscribe() {
      String kind = param(0).asText("");
      if (kind.equals("logs")) {
        filter(param(1));
      } else if (!QUIET_SUBSCRIPTIONS.contains(kind)) {
        unbounded = true;
      }
    }

    void filter(JsonNode filter) {
      List<JsonNode> named = fields(filter, "address");
      if (named.isEmpty()) {
        unbounded = true;
      }
      for (JsonNode address : named) {
        if (!address.isArray()) {
          address(address);
        } else if (address.isEmpty()) {
          unbounded = true;
        } else {
          address.forEach(this::address);
        }
      }
    }

    /**
     * A call object: its {@code to} (required), access and authorization lists, and its {@code
     * from} as {@code sender} says.
     */
    private void transaction(JsonNode tx, Sender sender) {
      List<JsonNode> to = fields(tx, "to");
      if (to.isEmpty()) {
        unbounded = true;
      }
      to.forEach(this::address);
      List<JsonNode> from = fields(tx, "from");
      if (sender == Sender.ALWAYS && from.isEmpty()) {
        unbounded = true;
      }
      if (sender != Sender.WHEN_PAYING || pays(tx)) {
        from.forEach(this::address);
      }
      for (JsonNode list : fields(tx, "accessList")) {
        entryAddresses(list);
      }
      for (JsonNode list : fields(tx, "authorizationList")) {
        entryAddresses(list);
      }
    }

    /** Whether a call object moves value or pays a fee: a paying field other than 0 or null. */
    private boolean pays(JsonNode tx) {
      for (String name : PAYING_FIELDS) {
        for (JsonNode amount : fields(tx, name)) {
          if (!amount.isNull()
              && !(amount.isTextual() && ZERO.matcher(amount.asText()).matches())) {
            return true;
          }
        }
      }
      return false;
    }

    private void entryAddresses(JsonNode list) {
      if (list.isNull()) {
        return;
      }
      for (JsonNode entry : array(list)) {
        List<JsonNode> address = fields(entry, "address");
        if (address.isEmpty()) {
          unbounded = true;
        }
        address.forEach(this::address);
      }
    }

    /** {@code {address: {balance, nonce}}}: the accounts are named; code and storage refused. */
    private void stateOverride(JsonNode overrides) {
      if (absent(overrides)) {
        return;
      }
      for (Map.Entry<String, JsonNode> account : object(overrides)) {
        addresses.add(account.getKey());
        for (Map.Entry<String, JsonNode> f : object(account.getValue())) {
          if (ACCOUNT_OVERRIDE_FIELDS.stream().noneMatch(name -> is(f.getKey(), name))) {
            unbounded = true;
          }
        }
      }
    }

    private void blockOverrides(JsonNode overrides) {
      if (absent(overrides)) {
        return;
      }
      for (Map.Entry<String, JsonNode> f : object(overrides)) {
        String name = f.getKey();
        if (is(name, "feeRecipient") || is(name, "coinbase")) {
          address(f.getValue());
        } else if (is(name, "withdrawals")) {
          entryAddresses(f.getValue());
        } else if (BLOCK_OVERRIDE_FIELDS.stream().noneMatch(known -> is(name, known))) {
          unbounded = true;
        }
      }
    }

    void address(JsonNode value) {
      if (value.isTextual()) {
        addresses.add(value.asText());
      } else {
        unbounded = true;
      }
    }

    /** The values of {@code object}'s fields called {@code name} in any case; none if no object. */
    private List<JsonNode> fields(JsonNode object, String name) {
      List<JsonNode> out = new ArrayList<>();
      for (Map.Entry<String, JsonNode> f : object(object)) {
        if (is(f.getKey(), name)) {
          out.add(f.getValue());
        }
      }
      return out;
    }

    /** The fields of an object; anything else is unbounded and has none. */
    private Iterable<Map.Entry<String, JsonNode>> object(JsonNode node) {
      if (!node.isObject()) {
        unbounded = true;
        return List.of();
      }
      return node.properties();
    }

    /** The elements of an array; anything else is unbounded and has none. */
    private Iterable<JsonNode> array(JsonNode node) {
      if (!node.isArray()) {
        unbounded = true;
        return List.of();
      }
      return node;
    }
  }

  private static boolean absent(JsonNode node) {
    return node.isMissingNode() || node.isNull();
  }

  private static boolean is(String field, String name) {
    return field.equalsIgnoreCase(name);
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
