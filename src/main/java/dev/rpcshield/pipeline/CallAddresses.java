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
import java.util.Set;

/**
 * The addresses a call names, for a contract allowlist: the {@code to} of {@code eth_call}, {@code
 * eth_estimateGas}, {@code eth_createAccessList}; the {@code address} (one or a list) of an {@code
 * eth_getLogs} filter or a {@code logs} subscription; the account of {@code eth_getBalance}, {@code
 * eth_getCode}, {@code eth_getStorageAt}, {@code eth_getTransactionCount}, {@code eth_getProof};
 * the accounts of {@code eth_getStorageValues}; the decoded {@code to} of a raw transaction. A call
 * of one of these that names no address (a filter without one, a contract creation) is {@code
 * unbounded}, as is {@code eth_simulateV1}, whose calls are not read: the list cannot vouch for it.
 */
final class CallAddresses {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TX_OBJECT =
      Set.of("eth_call", "eth_estimateGas", "eth_createAccessList");
  private static final Set<String> ACCOUNT_FIRST =
      Set.of(
          "eth_getBalance",
          "eth_getCode",
          "eth_getStorageAt",
          "eth_getTransactionCount",
          "eth_getProof");

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
    if (method.equals("eth_simulateV1")) {
      return Named.UNBOUNDED;
    }
    boolean tx = TX_OBJECT.contains(method);
    boolean account = ACCOUNT_FIRST.contains(method);
    boolean logs = method.equals("eth_getLogs") || method.equals("eth_newFilter");
    boolean subscribe = method.equals("eth_subscribe");
    boolean storage = method.equals("eth_getStorageValues");
    if (!tx && !account && !logs && !subscribe && !storage) {
      return Named.NOTHING;
    }
    JsonNode params = params(call);
    JsonNode first = params.path(0);
    if (subscribe) {
      if (!"logs".equals(first.asText(null))) {
        return Named.NOTHING;
      }
      return filter(params.path(1));
    }
    if (tx) {
      return one(first.path("to"));
    }
    if (account) {
      return one(first);
    }
    if (logs) {
      return filter(first);
    }
    List<String> out = new ArrayList<>();
    if (first.isObject()) {
      for (Iterator<String> names = first.fieldNames(); names.hasNext(); ) {
        out.add(names.next());
      }
    }
    return out.isEmpty() ? Named.UNBOUNDED : new Named(out, false);
  }

  private static Named filter(JsonNode filter) {
    JsonNode address = filter.path("address");
    if (!address.isArray()) {
      return one(address);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode a : address) {
      out.add(a.isTextual() ? a.asText() : a.toString());
    }
    return out.isEmpty() ? Named.UNBOUNDED : new Named(out, false);
  }

  private static Named one(JsonNode value) {
    if (value.isMissingNode() || value.isNull()) {
      return Named.UNBOUNDED;
    }
    return new Named(List.of(value.isTextual() ? value.asText() : value.toString()), false);
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
