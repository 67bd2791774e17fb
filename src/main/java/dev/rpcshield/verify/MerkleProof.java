package dev.rpcshield.verify;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.web3j.crypto.Hash;

/**
 * Verifies proofs of Ethereum's Merkle-Patricia trie: the hexary trie whose paths are hex-prefix
 * encoded and whose nodes are referenced by the Keccak-256 of their RLP, or inline when that RLP is
 * shorter than 32 bytes.
 *
 * <p>A proof is the nodes from the root down the key's path, in that order, as eth_getProof sends
 * them. Each node must be the one its parent references; a node its parent holds inline may be sent
 * as well, as some nodes do, or left out. A node the path does not use is refused, so an answer
 * carries nothing unchecked. The work is bounded by the proof's size and the key's length: every
 * step takes the next node of the proof or at least one nibble of the key.
 */
public final class MerkleProof {
  /** The root of the empty trie: Keccak-256 of the RLP of the empty string. */
  static final byte[] EMPTY_ROOT =
      HexFormat.of().parseHex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");

  private static final int HASH = 32;
  private static final int BRANCH = 17;
  private static final int VALUE_SLOT = 16;

  private MerkleProof() {}

  /**
   * The value stored under {@code key}: the byte string held in its leaf (or in the value slot of
   * the branch where the key ends), or null when the proof proves the key absent, its path ending
   * in an empty slot of a branch or leaving the path of an extension or leaf. The empty trie's root
   * with no nodes proves every key absent.
   *
   * @param root the trie's root hash, 32 bytes
   * @param key the key as stored in the trie (for the state and storage tries, a Keccak-256)
   * @param nodes the RLP of the proof's nodes, root first
   * @throws ProofException when the nodes do not link from the root to the key's value or absence,
   *     are malformed, or include a node the path does not use
   */
  public static byte[] value(byte[] root, byte[] key, List<byte[]> nodes) throws ProofException {
    if (root == null || root.length != HASH) {
      throw new ProofException("a trie root is 32 bytes");
    }
    if (nodes.isEmpty() && Arrays.equals(root, EMPTY_ROOT)) {
      return null;
    }
    Walk walk = new Walk(nibbles(key), nodes);
    byte[] value = walk.from(root);
    if (walk.next < nodes.size()) {
      throw new ProofException("proof has nodes off the key's path");
    }
    return value;
  }

  /** One descent from the root along a key, taking the proof's nodes in order. */
  private static final class Walk {
    private final byte[] key;
    private final List<byte[]> nodes;
    private int at;
    private int next;

    Walk(byte[] key, List<byte[]> nodes) {
      this.key = key;
      this.nodes = nodes;
    }

    byte[] from(byte[] root) throws ProofException {
      Rlp.Item node = hashed(root);
      while (true) {
        if (!node.list()) {
          if (node.content().length == 0) {
            return null;
          }
          throw new ProofException("trie node is neither a list nor empty");
        }
        List<Rlp.Item> items = Rlp.items(node);
        Rlp.Item child;
        if (items.size() == BRANCH) {
          if (at == key.length) {
            return stored(items.get(VALUE_SLOT), true);
          }
          child = items.get(key[at++]);
          if (!child.list() && child.content().length == 0) {
            return null;
          }
        } else if (items.size() == 2) {
          Path path = Path.of(items.get(0));
          if (!path.leads(key, at)) {
            return null;
          }
          at += path.nibbles().length;
          if (path.leaf()) {
            return at == key.length ? stored(items.get(1), false) : null;
          }
          child = items.get(1);
        } else {
          throw new ProofException("trie node has " + items.size() + " items");
        }
        node = child(child);
      }
    }

    /** The node a parent references: by hash, the next of the proof; inline, itself. */
    private Rlp.Item child(Rlp.Item reference) throws ProofException {
      if (!reference.list()) {
        if (reference.content().length != HASH) {
          throw new ProofException("trie node reference is not a hash");
        }
        return hashed(reference.content());
      }
      if (reference.encoding().length >= HASH) {
        throw new ProofException("trie node of 32 bytes or more inline");
      }
      if (next < nodes.size() && Arrays.equals(nodes.get(next), reference.encoding())) {
        next++;
      }
      return reference;
    }

    private Rlp.Item hashed(byte[] hash) throws ProofException {
      if (next == nodes.size()) {
        throw new ProofException("proof ends before the key's value or absence");
      }
      byte[] node = nodes.get(next);
      if (node == null || !Arrays.equals(Hash.sha3(node), hash)) {
        throw new ProofException("proof node " + next + " is not the one its parent references");
      }
      next++;
      return Rlp.item(node);
    }
  }

  /** The value held in a leaf or a branch's value slot; an empty slot of a branch holds none. */
  private static byte[] stored(Rlp.Item value, boolean branch) throws ProofException {
    if (value.list()) {
      throw new ProofException("trie value is not a byte string");
    }
    if (value.content().length == 0) {
      if (branch) {
        return null;
      }
      throw new ProofException("trie leaf with an empty value");
    }
    return value.content();
  }

  /** The nibbles of {@code bytes}, high one first. */
  static byte[] nibbles(byte[] bytes) {
    byte[] out = new byte[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = (byte) ((bytes[i] >> 4) & 0xf);
      out[2 * i + 1] = (byte) (bytes[i] & 0xf);
    }
    return out;
  }

  /**
   * The hex-prefix encoded path of an extension or leaf.
   *
   * @param nibbles the path
   * @param leaf whether the node is a leaf (else an extension)
   */
  private record Path(byte[] nibbles, boolean leaf) {

    static Path of(Rlp.Item encoded) throws ProofException {
      byte[] bytes = encoded.content();
      if (encoded.list() || bytes.length == 0) {
        throw new ProofException("trie path is not a byte string");
      }
      int flag = (bytes[0] >> 4) & 0xf;
      boolean odd = (flag & 1) == 1;
      if (flag > 3 || (!odd && (bytes[0] & 0xf) != 0)) {
        throw new ProofException("trie path has a bad hex prefix");
      }
      byte[] all = MerkleProof.nibbles(bytes);
      Path path = new Path(Arrays.copyOfRange(all, odd ? 1 : 2, all.length), flag >= 2);
      if (!path.leaf() && path.nibbles().length == 0) {
        throw new ProofException("trie extension with an empty path");
      }
      return path;
    }

    /** Whether the key, from nibble {@code at}, goes on along this path. */
    boolean leads(byte[] key, int at) {
      return key.length - at >= nibbles.length
          && Arrays.equals(key, at, at + nibbles.length, nibbles, 0, nibbles.length);
    }
  }
}
