package dev.rpcshield.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads one call's params for {@link CallAddresses}, gathering the addresses they name: its call
 * objects (their {@code to}, access and authorization lists, and {@code from} as {@link Sender}
 * says), bundles, simulated blocks, and state and block overrides; anything a contract list cannot
 * vouch for makes the call unbounded.
 */
final class CallObjects {
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

  /** When a call object's {@code from} is named. */
  enum Sender {
    ALWAYS,
    WHEN_SENT,
    WHEN_PAYING
  }

  private final JsonNode params;
  private final List<String> addresses = new ArrayList<>();
  private boolean unbounded;

  CallObjects(JsonNode params) {
    this.params = params;
  }

  CallAddresses.Named named() {
    if (unbounded) {
      return CallAddresses.Named.UNBOUNDED;
    }
    return addresses.isEmpty()
        ? CallAddresses.Named.NOTHING
        : new CallAddresses.Named(List.copyOf(addresses), false);
  }

  JsonNode param(int index) {
    return params.path(index);
  }

  /** Whether params is an array of at most {@code arity}: a node might read a further one. */
  boolean takes(int arity) {
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

  /** {@code [{blockStateCalls: [{blockOverrides, stateOverrides, calls: [tx...]}...]}, block]}. */
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

  /**
   * A call object: its {@code to} (required), access and authorization lists, and its {@code from}
   * as {@code sender} says.
   */
  void transaction(JsonNode tx, Sender sender) {
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
        if (!amount.isNull() && !(amount.isTextual() && ZERO.matcher(amount.asText()).matches())) {
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
  void stateOverride(JsonNode overrides) {
    if (absent(overrides)) {
      return;
    }
    for (Map.Entry<String, JsonNode> account : object(overrides)) {
      addresses.add(account.getKey());
      for (Map.Entry<String, JsonNode> f : object(account.getValue())) {
        if (!isAny(f.getKey(), ACCOUNT_OVERRIDE_FIELDS)) {
          unbounded = true;
        }
      }
    }
  }

  void blockOverrides(JsonNode overrides) {
    if (absent(overrides)) {
      return;
    }
    for (Map.Entry<String, JsonNode> f : object(overrides)) {
      String name = f.getKey();
      if (is(name, "feeRecipient") || is(name, "coinbase")) {
        address(f.getValue());
      } else if (is(name, "withdrawals")) {
        entryAddresses(f.getValue());
      } else if (!isAny(name, BLOCK_OVERRIDE_FIELDS)) {
        unbounded = true;
      }
    }
  }

  /** An address named as a field name (an account of {@code eth_getStorageValues}). */
  void name(String address) {
    addresses.add(address);
  }

  /** The call may reach addresses it does not name. */
  void markUnbounded() {
    unbounded = true;
  }

  void address(JsonNode value) {
    if (value.isTextual()) {
      addresses.add(value.asText());
    } else {
      unbounded = true;
    }
  }

  /** The values of {@code object}'s fields called {@code name} in any case; none if no object. */
  List<JsonNode> fields(JsonNode object, String name) {
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
  Iterable<JsonNode> array(JsonNode node) {
    if (!node.isArray()) {
      unbounded = true;
      return List.of();
    }
    return node;
  }

  static boolean absent(JsonNode node) {
    return node.isMissingNode() || node.isNull();
  }

  static boolean is(String field, String name) {
    return field.equalsIgnoreCase(name);
  }

  /** Whether {@code field} is one of {@code names}, in any case. */
  static boolean isAny(String field, List<String> names) {
    return names.stream().anyMatch(name -> is(field, name));
  }
}
