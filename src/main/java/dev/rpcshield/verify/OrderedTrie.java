package dev.rpcshield.verify;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Hash;

/**
 * The root of the trie a block commits its transactions, receipts and withdrawals to: item {@code
 * i} of a list stored under the RLP of the integer {@code i}. The trie is Ethereum's hexary
 * Merkle-Patricia trie ({@link MerkleProof} walks it); here it is built whole, a node for every
 * group of keys sharing a prefix, and only its root hash is kept.
 */
public final class OrderedTrie {
  private static final int HASH = 32;
  private static final byte[] EMPTY_STRING = {(byte) 0x80};

  private OrderedTrie() {}

  /**
   * The root hash of the trie holding {@code values} in order; the empty list's is the empty root.
   */
  public static byte[] root(List<byte[]> values) {
    List<byte[]> keys = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      keys.add(Rlp.string(Rlp.quantity(BigInteger.valueOf(i))));
    }
    return root(keys, values);
  }

  /** The root hash of the trie holding {@code values} under {@code keys} (distinct, any order). */
  static byte[] root(List<byte[]> keys, List<byte[]> values) {
    if (values.isEmpty()) {
      return MerkleProof.EMPTY_ROOT.clone();
    }
    List<Entry> entries = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      entries.add(new Entry(MerkleProof.nibbles(keys.get(i)), values.get(i)));
    }
    return Hash.sha3(node(entries, 0));
  }

  /** One key, as nibbles, and its value. */
  private record Entry(byte[] key, byte[] value) {}

  /** The RLP of the node holding {@code entries}, whose keys agree on their first {@code depth}. */
  private static byte[] node(List<Entry> entries, int depth) {
    if (entries.size() == 1) {
      Entry only = entries.get(0);
      return Rlp.list(
          List.of(
              Rlp.string(path(only.key(), depth, only.key().length, true)),
              Rlp.string(only.value())));
    }
    int shared = shared(entries, depth);
    if (shared > 0) {
      byte[] key = entries.get(0).key();
      return Rlp.list(
          List.of(
              Rlp.string(path(key, depth, depth + shared, false)),
              reference(node(entries, depth + shared))));
    }
    List<byte[]> items = new ArrayList<>(17);
    byte[] value = EMPTY_STRING;
    List<List<Entry>> children = new ArrayList<>(16);
    for (int n = 0; n < 16; n++) {
      children.add(new ArrayList<>());
    }
    for (Entry e : entries) {
      if (e.key().length == depth) {
        value = Rlp.string(e.value());
      } else {
        children.get(e.key()[depth]).add(e);
      }
    }
    for (List<Entry> child : children) {
      items.add(child.isEmpty() ? EMPTY_STRING : reference(node(child, depth + 1)));
    }
    items.add(value);
    return Rlp.list(items);
  }

  /** How a parent holds a child: inline when its RLP is shorter than a hash, else by its hash. */
  private static byte[] reference(byte[] node) {
    return node.length < HASH ? node : Rlp.string(Hash.sha3(node));
  }

  /** How many nibbles past {@code depth} every key shares (none when a key ends there). */
  private static int shared(List<Entry> entries, int depth) {
    byte[] first = entries.get(0).key();
    int shared = first.length - depth;
    for (Entry e : entries) {
      byte[] key = e.key();
      int n = 0;
      while (n < shared && depth + n < key.length && key[depth + n] == first[depth + n]) {
        n++;
      }
      shared = n;
    }
    return shared;
  }

  /** The hex-prefix encoding of nibbles {@code from} to {@code to} of a key. */
  private static byte[] path(byte[] key, int from, int to, boolean leaf) {
    int length = to - from;
    boolean odd = length % 2 == 1;
    byte[] out = new byte[length / 2 + 1];
    int flag = (leaf ? 2 : 0) + (odd ? 1 : 0);
    int at = from;
    if (odd) {
      out[0] = (byte) ((flag << 4) | key[at++]);
    } else {
      out[0] = (byte) (flag << 4);
    }
    for (int i = 1; i < out.length; i++) {
      out[i] = (byte) ((key[at] << 4) | key[at + 1]);
      at += 2;
    }
    return out;
  }
}
