package dev.rpcshield.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An eth_getProof answer changed in any way is refused with {@link ProofException} or proves the
 * very account and storage the real answer proves: a real answer of anvil is edited as a JSON tree
 * (a character of a string set, inserted or deleted, a member removed or repeated, two strings
 * swapped, a string made a number or null) and verified against the real state root. The input's
 * first byte picks the answer; then each 5 bytes are one edit: what, which spot of the tree, where
 * in it (2 bytes), and a byte.
 */
class StateProofFuzzTest {
  private static final List<Case> CASES = cases();
  private static final int EDIT = 5;
  private static final String CHARS = "0123456789abcdefABCDEFx";

  /**
   * An answer, what was asked and what it proves.
   *
   * @param root the state root
   * @param address the address asked
   * @param slots the slots asked
   * @param answer the real answer
   * @param proven what it proves
   */
  private record Case(
      byte[] root, String address, List<String> slots, JsonNode answer, ProvenAccount proven) {}

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

  @FuzzTest(maxDuration = "10s", maxExecutions = 200_000)
  void aMutatedAnswerProvesTheSameOrIsRefused(byte[] input) {
    if (input.length == 0) {
      return;
    }
    Case c = CASES.get((input[0] & 0xff) % CASES.size());
    JsonNode answer = c.answer().deepCopy();
    for (int at = 1; at + EDIT <= input.length; at += EDIT) {
      edit(answer, input, at);
    }
    try {
      ProvenAccount proven = StateProof.verify(c.root(), c.address(), c.slots(), answer);
      assertEquals(c.proven().nonce(), proven.nonce());
      assertEquals(c.proven().balance(), proven.balance());
      assertArrayEquals(c.proven().storageRoot(), proven.storageRoot());
      assertArrayEquals(c.proven().codeHash(), proven.codeHash());
      assertEquals(c.proven().storage(), proven.storage());
    } catch (ProofException e) {
      assertNotNull(e.getMessage());
    }
  }

  private static void edit(JsonNode answer, byte[] input, int at) {
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

  private static List<Case> cases() {
    String latest = Fixtures.latest();
    String contract = Fixtures.about("contract");
    List<String> slots = List.of("0x0", "0x5", "0x6", "0x" + Long.toHexString(Fixtures.near()));
    List<Case> cases = new ArrayList<>();
    try {
      byte[] root = BlockHeader.of(Fixtures.block(latest)).stateRoot();
      cases.add(answer(root, Fixtures.FUNDED, List.of(), latest));
      cases.add(answer(root, Fixtures.SENDER, List.of(), latest));
      cases.add(answer(root, Fixtures.ABSENT, List.of("0x0"), latest));
      cases.add(answer(root, contract, slots, latest));
      cases.add(answer(root, Fixtures.about("neighbour"), List.of(), latest));
      byte[] before = BlockHeader.of(Fixtures.block("0x1")).stateRoot();
      cases.add(answer(before, contract, List.of("0x5"), "0x1"));
    } catch (ProofException e) {
      throw new IllegalStateException("a fixture does not verify: " + e.getMessage());
    }
    return cases;
  }

  private static Case answer(byte[] root, String address, List<String> slots, String block)
      throws ProofException {
    JsonNode answer = Fixtures.proof(address, block);
    return new Case(root, address, slots, answer, StateProof.verify(root, address, slots, answer));
  }
}
