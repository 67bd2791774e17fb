package dev.rpcshield.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The fields of a node's answer that are not encoded in what the chain commits to, but follow from
 * it (a transaction's hash and sender, its block and index, a receipt's gas used): each is checked
 * against what was proven when the answer has it, and an answer keeps only fields that were.
 */
final class AnswerFields {
  private AnswerFields() {}

  /**
   * Fails unless {@code field}, when the answer has it, is the quantity {@code expected}: a {@code
   * 0x} quantity, or a JSON integer as some nodes write a few fields (anvil a receipt's {@code
   * blockTimestamp}).
   */
  static void quantity(JsonNode answer, String field, BigInteger expected) throws ProofException {
    JsonNode v = answer.get(field);
    if (v == null) {
      return;
    }
    BigInteger given =
        v.isIntegralNumber()
            ? v.bigIntegerValue()
            : HexFields.quantity(HexFields.text(answer, field), field);
    if (!given.equals(expected)) {
      throw new ProofException(field + " is not the one proven");
    }
  }

  /** {@link #quantity(JsonNode, String, BigInteger)} of a {@code long}. */
  static void quantity(JsonNode answer, String field, long expected) throws ProofException {
    quantity(answer, field, BigInteger.valueOf(expected));
  }

  /**
   * Fails unless {@code field}, when the answer has it, holds the bytes {@code expected}; null
   * expected means the field must be null.
   */
  static void bytes(JsonNode answer, String field, byte[] expected) throws ProofException {
    JsonNode v = answer.get(field);
    if (v == null) {
      return;
    }
    boolean same =
        expected == null
            ? v.isNull()
            : !v.isNull()
                && Arrays.equals(HexFields.bytes(HexFields.text(answer, field), field), expected);
    if (!same) {
      throw new ProofException(field + " is not the one proven");
    }
  }

  /** A copy of {@code answer} with only {@code fields}, in the answer's own order. */
  static ObjectNode only(JsonNode answer, Set<String> fields) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = answer.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (fields.contains(e.getKey())) {
        out.set(e.getKey(), e.getValue());
      }
    }
    return out;
  }
}
