package dev.rpcshield.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.rpcshield.jsonrpc.Quantity;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a call needs from an upstream's chain head: whether its answer depends on the head at all,
 * and the block number it names, if any. Read from params only for the methods that carry a block.
 *
 * @param headSensitive the answer differs between an upstream at the head and one behind it
 * @param minBlock the block number the call names, or -1
 * @param stateBlock the block whose state the call reads, when it names one by number (the oldest,
 *     for calls that travel together); else -1
 */
public record BlockRequirement(boolean headSensitive, long minBlock, long stateBlock) {

  /** A requirement that reads no state at a numbered block. */
  public BlockRequirement(boolean headSensitive, long minBlock) {
    this(headSensitive, minBlock, -1);
  }

  /** Answers that are the same on every upstream, synced or not. */
  public static final BlockRequirement NONE = new BlockRequirement(false, -1);

  /** Answers that depend on the head but name no block. */
  public static final BlockRequirement HEAD = new BlockRequirement(true, -1);

  private static final JsonFactory JSON = new JsonFactory();

  /** Position of the block parameter; -2 for eth_getLogs (toBlock in the filter object). */
  private static final Map<String, Integer> BLOCK_PARAM =
      Map.ofEntries(
          Map.entry("eth_getBlockByNumber", 0),
          Map.entry("eth_getBlockTransactionCountByNumber", 0),
          Map.entry("eth_getUncleCountByBlockNumber", 0),
          Map.entry("eth_getBlockReceipts", 0),
          Map.entry("eth_getBlockAccessList", 0),
          Map.entry("eth_getTransactionByBlockNumberAndIndex", 0),
          Map.entry("eth_getUncleByBlockNumberAndIndex", 0),
          Map.entry("eth_getBalance", 1),
          Map.entry("eth_getCode", 1),
          Map.entry("eth_getTransactionCount", 1),
          Map.entry("eth_call", 1),
          Map.entry("eth_estimateGas", 1),
          Map.entry("eth_createAccessList", 1),
          Map.entry("eth_simulateV1", 1),
          Map.entry("eth_getStorageValues", 1),
          Map.entry("eth_feeHistory", 1),
          Map.entry("eth_getStorageAt", 2),
          Map.entry("eth_getProof", 2),
          Map.entry("eth_getLogs", -2));

  /** Methods that read the state at their block: a pruned node lacks it for old blocks. */
  private static final Set<String> READS_STATE =
      Set.of(
          "eth_getBalance",
          "eth_getCode",
          "eth_getTransactionCount",
          "eth_call",
          "eth_estimateGas",
          "eth_createAccessList",
          "eth_simulateV1",
          "eth_getStorageValues",
          "eth_getStorageAt",
          "eth_getProof");

  private static final Set<String> HEAD_INDEPENDENT =
      Set.of(
          "eth_chainId",
          "net_version",
          "web3_clientVersion",
          "web3_sha3",
          "eth_sendRawTransaction",
          "eth_subscribe",
          "eth_unsubscribe");

  /** The requirement of one call; params are read only for methods that carry a block. */
  public static BlockRequirement of(String method, Supplier<byte[]> params) {
    if (HEAD_INDEPENDENT.contains(method)) {
      return NONE;
    }
    Integer position = BLOCK_PARAM.get(method);
    byte[] rawParams = position == null ? null : params.get();
    if (rawParams == null) {
      return HEAD;
    }
    try {
      long block = blockAt(rawParams, position);
      return new BlockRequirement(true, block, READS_STATE.contains(method) ? block : -1);
    } catch (IOException e) {
      return HEAD;
    }
  }

  /** The stricter of two requirements, for calls that travel together. */
  public BlockRequirement and(BlockRequirement other) {
    return new BlockRequirement(
        headSensitive || other.headSensitive,
        Math.max(minBlock, other.minBlock),
        stateBlock < 0 || other.stateBlock < 0
            ? Math.max(stateBlock, other.stateBlock)
            : Math.min(stateBlock, other.stateBlock));
  }

  private static long blockAt(byte[] params, int position) throws IOException {
    try (JsonParser p = JSON.createParser(params)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        return -1;
      }
      int index = 0;
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
        if (position == -2 && index == 0 && t == JsonToken.START_OBJECT) {
          return toBlock(p);
        }
        if (index == position) {
          if (t == JsonToken.VALUE_STRING) {
            return Quantity.parse(p.getText());
          }
          if (t == JsonToken.START_OBJECT) {
            return blockNumberField(p);
          }
          return -1;
        }
        p.skipChildren();
        index++;
      }
      return -1;
    }
  }

  /** eth_getLogs: the filter's toBlock (or fromBlock when toBlock is a tag or absent). */
  private static long toBlock(JsonParser p) throws IOException {
    long from = -1;
    long to = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_STRING && name.equals("toBlock")) {
        to = Quantity.parse(p.getText());
      } else if (v == JsonToken.VALUE_STRING && name.equals("fromBlock")) {
        from = Quantity.parse(p.getText());
      } else {
        p.skipChildren();
      }
    }
    return Math.max(from, to);
  }

  /** EIP-1898 block parameter object: {"blockNumber": "0x…"} (a blockHash names no number). */
  private static long blockNumberField(JsonParser p) throws IOException {
    long n = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_STRING && name.equals("blockNumber")) {
        n = Quantity.parse(p.getText());
      } else {
        p.skipChildren();
      }
    }
    return n;
  }
}
