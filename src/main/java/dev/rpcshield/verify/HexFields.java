package dev.rpcshield.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the fields of a node's JSON answers: byte strings as {@code 0x} and an even number of hex
 * digits, quantities as {@code 0x} and 1 to 64 hex digits. Anything else is refused, naming the
 * field.
 */
final class HexFields {
  private static final int MAX_QUANTITY_DIGITS = 64;

  private HexFields() {}

  /** The text of a required field of {@code object}. */
  static String text(JsonNode object, String field) throws ProofException {
    JsonNode value = object.get(field);
    if (value == null || !value.isTextual()) {
      throw new ProofException(
          value == null || value.isNull() ? "no " + field : field + " is not a string");
    }
    return value.asText();
  }

  /** The bytes of a required field holding exactly {@code length} of them. */
  static byte[] bytes(JsonNode object, String field, int length) throws ProofException {
    byte[] bytes = bytes(text(object, field), field);
    if (bytes.length != length) {
      throw new ProofException(field + " is not " + length + " bytes");
    }
    return bytes;
  }

  /** The bytes {@code text} spells as {@code 0x} hex; null is no hex. */
  static byte[] bytes(String text, String what) throws ProofException {
    if (text == null || !text.startsWith("0x") || text.length() % 2 != 0 || !hexDigits(text)) {
      throw new ProofException(what + " is not 0x hex");
    }
    return HexFormat.of().parseHex(text, 2, text.length());
  }

  /**
   * The number {@code text} spells as a {@code 0x} hex quantity, leading zeros allowed; null is no
   * quantity.
   */
  static BigInteger quantity(String text, String what) throws ProofException {
    if (text == null
        || !text.startsWith("0x")
        || text.length() < 3
        || text.length() > 2 + MAX_QUANTITY_DIGITS
        || !hexDigits(text)) {
      throw new ProofException(what + " is not a 0x quantity");
    }
    return new BigInteger(text.substring(2), 16);
  }

  /** The RLP of the trie nodes a required array field lists as {@code 0x} hex strings. */
  static List<byte[]> nodes(JsonNode object, String field) throws ProofException {
    JsonNode array = object.get(field);
    if (array == null || !array.isArray()) {
      throw new ProofException(field + " is not a list");
    }
    List<byte[]> nodes = new ArrayList<>(array.size());
    for (JsonNode node : array) {
      if (!node.isTextual()) {
        throw new ProofException(field + " holds a node that is not a string");
      }
      nodes.add(bytes(node.asText(), field));
    }
    return nodes;
  }

  private static boolean hexDigits(String text) {
    for (int i = 2; i < text.length(); i++) {
      if (!HexFormat.isHexDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
