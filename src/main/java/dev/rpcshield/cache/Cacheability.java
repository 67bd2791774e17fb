package dev.rpcshield.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rpcshield.jsonrpc.Quantity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which calls may be answered from the cache, and under which canonical parameters. Only answers
 * that can never change are cacheable:
 *
 * <ul>
 *   <li>{@link Kind#FOREVER}: chain constants ({@code eth_chainId}, {@code net_version});
 *   <li>{@link Kind#BY_NUMBER}: a call naming a block by number at or below the finalized head (for
 *       {@code eth_getLogs}: numeric {@code fromBlock} and {@code toBlock}, {@code toBlock}
 *       finalized);
 *   <li>{@link Kind#BY_HASH}: a call naming a block or transaction by hash, kept only once the
 *       answer shows its block at or below the finalized head ({@link #blockOf}).
 * </ul>
 *
 * Block tags ({@code latest}, {@code pending}, {@code safe}, {@code finalized}, {@code earliest}),
 * an EIP-1898 {@code blockHash} object and a missing block parameter are never cacheable. The
 * canonical parameters lowercase every hex string (addresses, hashes, data, quantities), write
 * block numbers without leading zeros and sort object keys, so equal questions share an entry.
 */
public final class Cacheability {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory STREAM = new JsonFactory();
  private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]*");

  /** How a cacheable call's answer is known to be final, or that it is kept only briefly. */
  public enum Kind {
    FOREVER,
    BY_NUMBER,
    BY_HASH,
    /** Not final: kept for the operator's short per-method TTL only ({@link #realtime}). */
    REALTIME
  }

  /**
   * A cacheable call.
   *
   * @param params the canonical parameters, part of the key
   */
  public record Ticket(String method, Kind kind, String params) {}

  private static final Set<String> CONSTANTS = Set.of("eth_chainId", "net_version");

  /** Position of the block number parameter of calls addressed by number. */
  private static final Map<String, Integer> BY_NUMBER =
      Map.ofEntries(
          Map.entry("eth_getBlockByNumber", 0),
          Map.entry("eth_getBlockTransactionCountByNumber", 0),
          Map.entry("eth_getTransactionByBlockNumberAndIndex", 0),
          Map.entry("eth_getBlockReceipts", 0),
          Map.entry("eth_getBalance", 1),
          Map.entry("eth_getCode", 1),
          Map.entry("eth_getTransactionCount", 1),
          Map.entry("eth_call", 1),
          Map.entry("eth_getStorageAt", 2));

  /** Calls addressed by a block or transaction hash (param 0). */
  private static final Set<String> BY_HASH =
      Set.of(
          "eth_getBlockByHash",
          "eth_getTransactionByHash",
          "eth_getTransactionReceipt",
          "eth_getTransactionByBlockHashAndIndex");

  private Cacheability() {}

  /**
   * The ticket of a call that may be served from the cache, or null.
   *
   * @param rawParams the params as sent, or null when there were none
   * @param finalized the network's finalized block, or -1 when unknown
   */
  public static Ticket classify(String method, byte[] rawParams, long finalized) {
    if (CONSTANTS.contains(method)) {
      return new Ticket(method, Kind.FOREVER, "[]");
    }
    boolean hashed = BY_HASH.contains(method);
    Integer position = BY_NUMBER.get(method);
    boolean logs = method.equals("eth_getLogs");
    if (!hashed && position == null && !logs || rawParams == null) {
      return null;
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(rawParams);
    } catch (IOException e) {
      return null;
    }
    if (tree == null || !tree.isArray() || tree.isEmpty()) {
      return null;
    }
    ArrayNode params = (ArrayNode) canonical(tree);
    if (hashed) {
      return isHash(params.get(0)) ? ticket(method, Kind.BY_HASH, params) : null;
    }
    if (logs) {
      return logsTicket(params, finalized);
    }
    if (params.size() <= position) {
      return null;
    }
    JsonNode block = params.get(position);
    if (method.equals("eth_getBlockReceipts") && isHash(block)) {
      return ticket(method, Kind.BY_HASH, params);
    }
    if (block.isObject()) {
      if (block.size() != 1 || !block.has("blockNumber")) {
        return null;
      }
      block = block.get("blockNumber");
    }
    long n = block.isTextual() ? Quantity.parse(block.asText()) : -1;
    if (n < 0 || finalized < 0 || n > finalized) {
      return null;
    }
    params.set(position, TextNode.valueOf(hex(n)));
    if (method.endsWith("AndIndex") && params.size() > 1 && params.get(1).isTextual()) {
      long index = Quantity.parse(params.get(1).asText());
      if (index >= 0) {
        params.set(1, TextNode.valueOf(hex(index)));
      }
    }
    return ticket(method, Kind.BY_NUMBER, params);
  }

  /**
   * The ticket of a call kept for a short TTL although its answer may change (block tags left as
   * sent), or null when its params cannot be read. {@code eth_blockNumber} never is: its answer
   * never goes below one given before ({@code upstream/HeadTracker}).
   */
  public static Ticket realtime(String method, byte[] rawParams) {
    if (method.equals("eth_blockNumber")) {
      return null;
    }
    if (rawParams == null) {
      return new Ticket(method, Kind.REALTIME, "[]");
    }
    try {
      JsonNode tree = JSON.readTree(rawParams);
      return tree == null ? null : ticket(method, Kind.REALTIME, canonical(tree));
    } catch (IOException e) {
      return null;
    }
  }

  private static Ticket logsTicket(ArrayNode params, long finalized) {
    if (params.size() != 1 || !params.get(0).isObject()) {
      return null;
    }
    ObjectNode filter = (ObjectNode) params.get(0);
    if (filter.has("blockHash")) {
      return null;
    }
    long from =
        filter.path("fromBlock").isTextual()
            ? Quantity.parse(filter.get("fromBlock").asText())
            : -1;
    long to =
        filter.path("toBlock").isTextual() ? Quantity.parse(filter.get("toBlock").asText()) : -1;
    if (from < 0 || to < from || finalized < 0 || to > finalized) {
      return null;
    }
    filter.put("fromBlock", hex(from));
    filter.put("toBlock", hex(to));
    return ticket("eth_getLogs", Kind.BY_NUMBER, params);
  }

  private static Ticket ticket(String method, Kind kind, JsonNode params) {
    return new Ticket(method, kind, params.toString());
  }

  /** Hex strings lowercased, object keys sorted, recursively. */
  static JsonNode canonical(JsonNode node) {
    if (node.isTextual() && HEX.matcher(node.asText()).matches()) {
      return TextNode.valueOf(node.asText().toLowerCase(Locale.ROOT));
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode(node.size());
      node.forEach(e -> out.add(canonical(e)));
      return out;
    }
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (String name : names) {
        out.set(name, canonical(node.get(name)));
      }
      return out;
    }
    return node;
  }

  private static boolean isHash(JsonNode node) {
    return node != null && node.isTextual() && node.asText().length() == 66;
  }

  static String hex(long n) {
    return "0x" + Long.toHexString(n);
  }

  /**
   * The block an answer to a {@link Kind#BY_HASH} call is in: a block's {@code number}, a
   * transaction's or receipt's {@code blockNumber}, the first receipt's for a list of them; -1 when
   * the answer names none (null, not yet mined, an empty list).
   */
  public static long blockOf(String method, String resultJson) {
    String field = method.equals("eth_getBlockByHash") ? "number" : "blockNumber";
    try (JsonParser p = STREAM.createParser(resultJson)) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY) {
        t = p.nextToken();
      }
      if (t != JsonToken.START_OBJECT) {
        return -1;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals(field)) {
          return v == JsonToken.VALUE_STRING ? Quantity.parse(p.getText()) : -1;
        }
        p.skipChildren();
      }
      return -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
