package dev.rpcshield.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The fuzz tests' edits of a real answer as a JSON tree: a character of a string set, inserted or
 * deleted, a member removed or an array item repeated, two strings swapped, a value made a number
 * or null, a string cut short. Each edit takes 5 bytes of the fuzzer's input: what, which spot of
 * the tree, where in it (2 bytes), and a byte.
 */
final class JsonEdits {
  /** The bytes of input one edit takes. */
  static final int EDIT = 5;

  private static final String CHARS = "0123456789abcdefABCDEFx";

  private JsonEdits() {}

  /**
   * A value in the tree and where it sits.
   *
   * @param parent the object or array holding it
   * @param field its name in an object, or null
   * @param index its index in an array
   * @param node the value
   */
  private record Spot(JsonNode parent, String field, int index, JsonNode node) {

    void set(JsonNode value) {
      if (field != null) {
        ((ObjectNode) parent).set(field, value);
      } else {
        ((ArrayNode) parent).set(index, value);
      }
    }

    void remove() {
      if (field != null) {
        ((ObjectNode) parent).remove(field);
      } else {
        ((ArrayNode) parent).remove(index);
      }
    }
  }

  static void edit(JsonNode answer, byte[] input, int at) {
    List<Spot> spots = new ArrayList<>();
    collect(answer, spots);
    if (spots.isEmpty()) {
      return;
    }
    int op = (input[at] & 0xff) % 8;
    Spot spot = spots.get((input[at + 1] & 0xff) % spots.size());
    int where = ((input[at + 2] & 0xff) << 8) | (input[at + 3] & 0xff);
    char ch = CHARS.charAt((input[at + 4] & 0xff) % CHARS.length());
    String text = spot.node().isTextual() ? spot.node().asText() : null;
    switch (op) {
      case 0 -> {
        if (text != null && !text.isEmpty()) {
          int i = where % text.length();
          spot.set(TextNode.valueOf(text.substring(0, i) + ch + text.substring(i + 1)));
        }
      }
      case 1 -> {
        if (text != null) {
          int i = where % (text.length() + 1);
          spot.set(TextNode.valueOf(text.substring(0, i) + ch + text.substring(i)));
        }
      }
      case 2 -> {
        if (text != null && !text.isEmpty()) {
          int i = where % text.length();
          spot.set(TextNode.valueOf(text.substring(0, i) + text.substring(i + 1)));
        }
      }
      case 3 -> spot.remove();
      case 4 -> {
        if (spot.field() == null) {
          ((ArrayNode) spot.parent()).insert(spot.index(), spot.node().deepCopy());
        }
      }
      case 5 -> {
        Spot other = spots.get(where % spots.size());
        if (text != null && other.node().isTextual()) {
          spot.set(other.node());
          other.set(TextNode.valueOf(text));
        }
      }
      case 6 -> spot.set(where % 2 == 0 ? NullNode.getInstance() : IntNode.valueOf(where));
      default -> {
        if (text != null && text.length() > 2) {
          spot.set(TextNode.valueOf(text.substring(0, 2 + where % (text.length() - 1))));
        }
      }
    }
  }

  /** Every value under {@code node}, depth first. */
  private static void collect(JsonNode node, List<Spot> spots) {
    if (node.isObject()) {
      node.properties()
          .forEach(e -> {
            spots.add(new Spot(node, e.getKey(), -1, e.getValue()));
            collect(e.getValue(), spots);
          });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        spots.add(new Spot(node, null, i, node.get(i)));
        collect(node.get(i), spots);
      }
    }
  }
}
