package dev.rpcshield.verify;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Hash;

/**
 * A proof changed in any way proves nothing else: a real proof (anvil's account and storage proofs,
 * and the inline nodes of the trie tests' trie), its nodes and key mutated, is refused with {@link
 * ProofException} or proves what the trie truly holds under the key it now asks, never another
 * value. For anvil's tries that is the original value for the original key and absence for any
 * other, since a real proof holds no leaf but the key's; for the trie tests' trie it is the trie's
 * entry. The input's first byte picks the proof; then each 5 bytes are one edit: what, which node,
 * where (2 bytes), and a byte.
 *
 * <p>Since no edit gets past a hash, one case takes its root from its first node after the edits,
 * so that any node the fuzzer makes (inline children, paths, values, RLP of any shape) is read:
 * refused, or a value that is a non-empty byte string or absence.
 */
class MerkleProofFuzzTest {
  private static final List<Case> CASES = cases();
  private static final int EDIT = 5;
  private static final int MAX_NEW_NODE = 64;

  /**
   * A proof and what the trie holds.
   *
   * @param root the trie's root
   * @param key the key the proof is for
   * @param nodes the proof
   * @param truth every key (as hex) whose value the proof's nodes may hold, to that value; null for
   *     the case rooted at its first node, whose trie is whatever the edits make
   */
  private record Case(byte[] root, byte[] key, List<byte[]> nodes, Map<String, byte[]> truth) {

    byte[] root(List<byte[]> edited) {
      return truth != null || edited.isEmpty() ? root : Hash.sha3(edited.get(0));
    }
  }

  @FuzzTest(maxDuration = "10s", maxExecutions = 200_000)
  void aMutatedProofProvesTheTruthOrIsRefused(byte[] input) {
    if (input.length == 0) {
      return;
    }
    Case c = CASES.get((input[0] & 0xff) % CASES.size());
    List<byte[]> nodes = new ArrayList<>(c.nodes());
    byte[] key = c.key().clone();
    int at = 1;
    while (at + EDIT <= input.length) {
      key = edit(input, at, nodes, key);
      at += EDIT + (op(input[at]) == Op.NEW_NODE ? newNodeLength(input, at) : 0);
    }
    try {
      byte[] value = MerkleProof.value(c.root(nodes), key, nodes);
      if (c.truth() == null) {
        assertTrue(value == null || value.length > 0, "an empty value");
      } else {
        byte[] expected = c.truth().get(HexFormat.of().formatHex(key));
        assertTrue(Arrays.equals(expected, value), "a mutated proof proved another value");
      }
    } catch (ProofException e) {
      assertNotNull(e.getMessage());
    }
  }

  private enum Op {
    SET,
    INSERT,
    DELETE,
    TRUNCATE,
    REMOVE_NODE,
    DUPLICATE_NODE,
    SWAP_NODES,
    NEW_NODE,
    SET_KEY_BYTE,
    RESIZE_KEY
  }

  private static Op op(byte b) {
    return Op.values()[(b & 0xff) % Op.values().length];
  }

  private static int newNodeLength(byte[] input, int at) {
    return Math.min((input[at + 4] & 0xff) % MAX_NEW_NODE, input.length - at - EDIT);
  }

  /** Applies the edit at {@code at} to the nodes; returns the key, edited or not. */
  private static byte[] edit(byte[] input, int at, List<byte[]> nodes, byte[] key) {
    Op op = op(input[at]);
    int which = input[at + 1] & 0xff;
    int where = ((input[at + 2] & 0xff) << 8) | (input[at + 3] & 0xff);
    byte b = input[at + 4];
    switch (op) {
      case SET_KEY_BYTE -> {
        if (key.length > 0) {
          key[where % key.length] = b;
        }
      }
      case RESIZE_KEY -> key = Arrays.copyOf(key, where % 40);
      case NEW_NODE ->
          nodes.add(
              which % (nodes.size() + 1),
              Arrays.copyOfRange(input, at + EDIT, at + EDIT + newNodeLength(input, at)));
      default -> {
        if (!nodes.isEmpty()) {
          editNode(op, which % nodes.size(), where, b, nodes);
        }
      }
    }
    return key;
  }

  private static void editNode(Op op, int n, int where, byte b, List<byte[]> nodes) {
    byte[] node = nodes.get(n);
    switch (op) {
      case SET -> {
        if (node.length > 0) {
          node = node.clone();
          node[where % node.length] = b;
          nodes.set(n, node);
        }
      }
      case INSERT -> {
        int i = where % (node.length + 1);
        byte[] longer = new byte[node.length + 1];
        System.arraycopy(node, 0, longer, 0, i);
        longer[i] = b;
        System.arraycopy(node, i, longer, i + 1, node.length - i);
        nodes.set(n, longer);
      }
      case DELETE -> {
        if (node.length > 0) {
          int i = where % node.length;
          byte[] shorter = new byte[node.length - 1];
          System.arraycopy(node, 0, shorter, 0, i);
          System.arraycopy(node, i + 1, shorter, i, node.length - i - 1);
          nodes.set(n, shorter);
        }
      }
      case TRUNCATE -> nodes.set(n, Arrays.copyOf(node, where % (node.length + 1)));
      case REMOVE_NODE -> nodes.remove(n);
      case DUPLICATE_NODE -> nodes.add(where % (nodes.size() + 1), node);
      case SWAP_NODES -> {
        int other = where % nodes.size();
        nodes.set(n, nodes.get(other));
        nodes.set(other, node);
      }
    }
  }

  private static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    try {
      byte[] root = BlockHeader.of(Fixtures.block(Fixtures.latest())).stateRoot();
      for (String address :
          List.of(
              Fixtures.FUNDED,
              Fixtures.SENDER,
              Fixtures.ABSENT,
              Fixtures.about("contract"),
              Fixtures.about("neighbour"))) {
        JsonNode answer = Fixtures.proof(address, Fixtures.latest());
        cases.add(real(root, Hash.sha3(Fixtures.hex(address)), answer.get("accountProof")));
        byte[] storageRoot = Fixtures.hex(answer.get("storageHash").asText());
        for (JsonNode entry : answer.get("storageProof")) {
          byte[] slot = Fixtures.hex(entry.get("key").asText());
          cases.add(real(storageRoot, Hash.sha3(slot), entry.get("proof")));
        }
      }
      byte[] before = BlockHeader.of(Fixtures.block("0x1")).stateRoot();
      String contract = Fixtures.about("contract");
      JsonNode absent = Fixtures.proof(contract, "0x1").get("accountProof");
      cases.add(real(before, Hash.sha3(Fixtures.hex(contract)), absent));
    } catch (ProofException e) {
      throw new IllegalStateException("a fixture does not verify: " + e.getMessage());
    }
    cases.addAll(puppy());
    return cases;
  }

  /** A real proof, and the one value its nodes may hold: the key's. */
  private static Case real(byte[] root, byte[] key, JsonNode proof) throws ProofException {
    List<byte[]> nodes = MerkleProofTest.nodes(proof);
    byte[] value = MerkleProof.value(root, key, nodes);
    Map<String, byte[]> truth =
        value == null ? Map.of() : Map.of(HexFormat.of().formatHex(key), value);
    return new Case(root, key, nodes, truth);
  }

  /** Proofs of the trie tests' trie, whose nodes inline hold every key's value but horse's. */
  private static List<Case> puppy() {
    Map<String, byte[]> truth = new HashMap<>();
    PuppyTrie.ENTRIES.forEach((k, v) ->
        truth.put(
            HexFormat.of().formatHex(k.getBytes(StandardCharsets.US_ASCII)),
            v.getBytes(StandardCharsets.US_ASCII)));
    List<byte[]> withInline = new ArrayList<>(PuppyTrie.TO_VERB);
    withInline.add(PuppyTrie.encode(PuppyTrie.SEVEN));
    withInline.add(PuppyTrie.encode(PuppyTrie.PUPPY_BRANCH));
    withInline.add(PuppyTrie.encode(PuppyTrie.COIN_LEAF));
    List<Case> cases = new ArrayList<>();
    for (String key : List.of("doge", "dog", "do", "dogs")) {
      cases.add(new Case(PuppyTrie.root(), ascii(key), PuppyTrie.TO_VERB, truth));
    }
    cases.add(new Case(PuppyTrie.root(), ascii("doge"), withInline, truth));
    cases.add(new Case(PuppyTrie.root(), ascii("horse"), PuppyTrie.TO_HORSE, truth));
    cases.add(new Case(MerkleProof.EMPTY_ROOT, new byte[32], List.of(), Map.of()));
    cases.add(new Case(PuppyTrie.root(), ascii("doge"), withInline, null));
    return cases;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
