package dev.rpcshield.verify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Hash;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;

/**
 * The trie of Ethereum's trie tests ({@code do, dog, doge, horse}, root {@code 0x5991bb8c…}), built
 * node by node: an extension at the root, values in branches' value slots, and an extension, a
 * branch and two leaves held inline (their RLP shorter than 32 bytes).
 */
final class PuppyTrie {
  /** Every key of the trie and its value. */
  static final Map<String, String> ENTRIES =
      Map.of("do", "verb", "dog", "puppy", "doge", "coin", "horse", "stallion");

  static final RlpList COIN_LEAF = leaf("35", "coin");
  static final RlpList PUPPY_BRANCH = branch(6, COIN_LEAF, "puppy");
  static final RlpList SEVEN = new RlpList(bytes("17"), PUPPY_BRANCH);
  static final RlpList VERB_BRANCH = branch(6, SEVEN, "verb");
  static final RlpList SIX_F = new RlpList(bytes("006f"), hashOf(VERB_BRANCH));
  static final RlpList STALLION_LEAF = leaf("206f727365", "stallion");
  static final RlpList ROOT_BRANCH = branch(4, hashOf(SIX_F), 8, STALLION_LEAF);
  static final RlpList ROOT = new RlpList(bytes("16"), hashOf(ROOT_BRANCH));

  /** The hashed nodes from the root to the branch holding verb, which every "do…" key takes. */
  static final List<byte[]> TO_VERB =
      List.of(encode(ROOT), encode(ROOT_BRANCH), encode(SIX_F), encode(VERB_BRANCH));

  /** The hashed nodes from the root to the branch holding horse's leaf inline. */
  static final List<byte[]> TO_HORSE = List.of(encode(ROOT), encode(ROOT_BRANCH));

  private PuppyTrie() {}

  static byte[] root() {
    return Hash.sha3(encode(ROOT));
  }

  private static RlpList leaf(String path, String value) {
    return new RlpList(bytes(path), RlpString.create(value.getBytes(StandardCharsets.US_ASCII)));
  }

  private static RlpList branch(int slot, RlpType child, String value) {
    List<RlpType> items = empties();
    items.set(slot, child);
    items.set(16, RlpString.create(value.getBytes(StandardCharsets.US_ASCII)));
    return new RlpList(items);
  }

  private static RlpList branch(int slot, RlpType hash, int other, RlpType inline) {
    List<RlpType> items = empties();
    items.set(slot, hash);
    items.set(other, inline);
    return new RlpList(items);
  }

  private static List<RlpType> empties() {
    List<RlpType> items = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      items.add(RlpString.create(new byte[0]));
    }
    return items;
  }

  private static RlpString hashOf(RlpList node) {
    return RlpString.create(Hash.sha3(encode(node)));
  }

  static RlpString bytes(String hex) {
    return RlpString.create(HexFormat.of().parseHex(hex));
  }

  static byte[] encode(RlpList node) {
    return RlpEncoder.encode(node);
  }
}
