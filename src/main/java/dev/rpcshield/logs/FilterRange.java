package dev.rpcshield.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcshield.cache.ChainHeads;
import dev.rpcshield.jsonrpc.Quantity;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The blocks an eth_getLogs filter asks for, read the way a node reads them, so that a cap checked
 * here holds for whatever the node answers. A missing or null bound, {@code latest} and {@code
 * pending} are the best head; {@code safe} and {@code finalized} the network's; {@code earliest} is
 * 0 (tags in any letter case, as anvil takes them); a number is {@code 0x} or {@code 0X} and hex
 * digits below 2^64, leading zeros allowed. A toBlock above the head counts as the head, as nodes
 * read it.
 */
final class FilterRange {
  private static final List<String> FIELDS =
      List.of("fromBlock", "toBlock", "address", "topics", "blockHash");

  private static final Pattern BLOCK_HASH = Pattern.compile("0[xX][0-9a-fA-F]{64}");

  /** A bound that is no block: not a tag, nor a quantity below 2^64. */
  private static final long INVALID = -2;

  /** A bound naming a head not known, as {@link ChainHeads} says it. */
  private static final long UNKNOWN = -1;

  private FilterRange() {}

  /** What a filter asks for. */
  sealed interface Reading permits Span, NoHead, AsSent, Unknown, Invalid {}

  /**
   * Blocks {@code from} to {@code to}, all on the chain: {@code 0 <= from <= to <= head}, so {@code
   * to - from} cannot overflow (the block count, one more, can: {@link FilterRange#blocks}).
   *
   * @param toAsked the toBlock as the client named it, resolved: above {@code to} when it is past
   *     the head (then a node reads it as its own head, which may have moved on)
   */
  record Span(long from, long to, long toAsked) implements Reading {}

  /** The number of blocks {@code from} to {@code to}, {@code 0 <= from <= to}, as text. */
  static String blocks(long from, long to) {
    return Long.toUnsignedString(to - from + 1);
  }

  /**
   * Nothing for the gateway to bound: a filter by blockHash, a fromBlock above the toBlock, or a
   * fromBlock above the head. The node answers it as sent (with an error, or the few blocks it has
   * beyond the head the gateway saw last).
   */
  record AsSent() implements Reading {}

  /**
   * Both bounds are numbers, {@code 0 <= from <= to}, but no upstream in rotation has reported the
   * head: the blocks are as the filter names them, none known to be on the chain. A head can only
   * end the range sooner, so a verdict these blocks pass stands whatever the head turns out to be.
   */
  record NoHead(long from, long to) implements Reading {}

  /** A bound names a head the gateway does not know (yet): no upstream in rotation reported it. */
  record Unknown() implements Reading {}

  /** A filter that cannot be read so: refused before any upstream sees it. */
  record Invalid(String why) implements Reading {}

  /** Reads a filter against the network's heads. */
  static Reading read(ObjectNode filter, ChainHeads heads) {
    for (Iterator<String> names = filter.fieldNames(); names.hasNext(); ) {
      if (!FIELDS.contains(names.next())) {
        return new Invalid("unknown filter field; a filter has " + String.join(", ", FIELDS));
      }
    }
    JsonNode hash = filter.path("blockHash");
    JsonNode fromField = filter.path("fromBlock");
    JsonNode toField = filter.path("toBlock");
    if (given(hash)) {
      if (!hash.isTextual() || !BLOCK_HASH.matcher(hash.asText()).matches()) {
        return new Invalid("blockHash is not a 32-byte hex hash");
      }
      if (given(fromField) || given(toField)) {
        return new Invalid(
            "cannot specify both blockHash and fromBlock/toBlock, choose one or the other");
      }
      return new AsSent();
    }
    long head = heads.latest();
    long from = block(fromField, head, heads);
    long to = block(toField, head, heads);
    if (from == INVALID || to == INVALID) {
      return new Invalid(
          (from == INVALID ? "fromBlock" : "toBlock")
              + " is not a block: latest, pending, safe, finalized, earliest or a hex number"
              + " below 2^64");
    }
    if (from == UNKNOWN || to == UNKNOWN) {
      return new Unknown();
    }
    if (head < 0) {
      return from > to ? new AsSent() : new NoHead(from, to);
    }
    long last = Math.min(to, head);
    if (from > last) {
      return new AsSent();
    }
    return new Span(from, last, to);
  }

  private static boolean given(JsonNode field) {
    return !field.isMissingNode() && !field.isNull();
  }

  private static long block(JsonNode field, long head, ChainHeads heads) {
    if (!given(field)) {
      return head;
    }
    if (!field.isTextual()) {
      return INVALID;
    }
    String text = field.asText();
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "latest", "pending" -> head;
      case "safe" -> heads.safe();
      case "finalized" -> heads.finalized();
      case "earliest" -> 0;
      default -> {
        long n = Quantity.blockNumber(text);
        yield n < 0 ? INVALID : n;
      }
    };
  }
}
