package dev.rpcshield.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Hash;

/**
 * A block header read from a node's block JSON (the result of eth_getBlockByNumber or
 * eth_getBlockByHash, with or without full transactions), its hash recomputed as the Keccak-256 of
 * the RLP of its fields in consensus order. The fields of every fork are included when present:
 * baseFeePerGas (London), withdrawalsRoot (Shanghai), blobGasUsed, excessBlobGas and
 * parentBeaconBlockRoot (Cancun), requestsHash (Prague); a later one present without an earlier one
 * is malformed. Quantities are RLP integers (minimal big-endian, zero as the empty string); hashes,
 * addresses, the bloom, extraData and the 8-byte nonce are byte strings.
 *
 * <p>A header whose recomputed hash is one already trusted (a checkpoint, or the parent hash of a
 * trusted child) has every field, its state root included, as trusted as that hash.
 */
public final class BlockHeader {
  private static final List<Field> FIELDS =
      List.of(
          new Field("parentHash", Kind.HASH),
          new Field("sha3Uncles", Kind.HASH),
          new Field("miner", Kind.ADDRESS),
          new Field("stateRoot", Kind.HASH),
          new Field("transactionsRoot", Kind.HASH),
          new Field("receiptsRoot", Kind.HASH),
          new Field("logsBloom", Kind.BLOOM),
          new Field("difficulty", Kind.QUANTITY),
          new Field("number", Kind.QUANTITY),
          new Field("gasLimit", Kind.QUANTITY),
          new Field("gasUsed", Kind.QUANTITY),
          new Field("timestamp", Kind.QUANTITY),
          new Field("extraData", Kind.DATA),
          new Field("mixHash", Kind.HASH),
          new Field("nonce", Kind.NONCE));

  /** The fields forks added, in the order they follow the others. */
  private static final List<Field> FORK_FIELDS =
      List.of(
          new Field("baseFeePerGas", Kind.QUANTITY),
          new Field("withdrawalsRoot", Kind.HASH),
          new Field("blobGasUsed", Kind.QUANTITY),
          new Field("excessBlobGas", Kind.QUANTITY),
          new Field("parentBeaconBlockRoot", Kind.HASH),
          new Field("requestsHash", Kind.HASH));

  private static final int HASH_BYTES = 32;

  private final long number;
  private final byte[] hash;
  private final boolean hashMatches;
  private final byte[] parentHash;
  private final byte[] stateRoot;
  private final byte[] transactionsRoot;
  private final byte[] receiptsRoot;
  private final Map<String, byte[]> values;
  private final byte[] encoding;

  private BlockHeader(
      long number, byte[] hash, boolean hashMatches, Map<String, byte[]> values, byte[] encoding) {
    this.number = number;
    this.hash = hash;
    this.hashMatches = hashMatches;
    this.parentHash = values.get("parentHash");
    this.stateRoot = values.get("stateRoot");
    this.transactionsRoot = values.get("transactionsRoot");
    this.receiptsRoot = values.get("receiptsRoot");
    this.values = values;
    this.encoding = encoding;
  }

  /** The names of every header field of every fork, as a node's block JSON writes them. */
  static List<String> fieldNames() {
    List<String> names = new ArrayList<>();
    FIELDS.forEach(f -> names.add(f.name()));
    FORK_FIELDS.forEach(f -> names.add(f.name()));
    return names;
  }

  /**
   * The header of {@code block}, its hash recomputed.
   *
   * @throws ProofException when a field is missing or malformed, or the JSON is null or not an
   *     object
   */
  public static BlockHeader of(JsonNode block) throws ProofException {
    if (block == null || !block.isObject()) {
      throw new ProofException("block is not an object");
    }
    Map<String, byte[]> values = new LinkedHashMap<>();
    for (Field f : FIELDS) {
      values.put(f.name(), f.read(block));
    }
    String lacking = null;
    for (Field f : FORK_FIELDS) {
      JsonNode value = block.get(f.name());
      if (value != null && !value.isNull()) {
        if (lacking != null) {
          throw new ProofException("block has " + f.name() + " without " + lacking);
        }
        values.put(f.name(), f.read(block));
      } else if (lacking == null) {
        lacking = f.name();
      }
    }
    BigInteger number = new BigInteger(1, values.get("number"));
    if (number.bitLength() >= Long.SIZE) {
      throw new ProofException("number is beyond any chain");
    }
    List<byte[]> rlp = new ArrayList<>(values.size());
    for (byte[] v : values.values()) {
      rlp.add(Rlp.string(v));
    }
    byte[] encoding = Rlp.list(rlp);
    byte[] hash = Hash.sha3(encoding);
    return new BlockHeader(
        number.longValueExact(), hash, Arrays.equals(hash, claimedHash(block)), values, encoding);
  }

  /** The block's own hash field, or null when it has none that reads as a hash. */
  private static byte[] claimedHash(JsonNode block) {
    try {
      return HexFields.bytes(block, "hash", HASH_BYTES);
    } catch (ProofException e) {
      return null;
    }
  }

  /** The block's number. */
  public long number() {
    return number;
  }

  /** The hash recomputed from the fields. */
  public byte[] hash() {
    return hash.clone();
  }

  /** Whether the block's own {@code hash} field equals the recomputed hash. */
  public boolean hashMatches() {
    return hashMatches;
  }

  /** The hash of the parent block, as this header commits to it. */
  public byte[] parentHash() {
    return parentHash.clone();
  }

  /** The root of the state trie after the block. */
  public byte[] stateRoot() {
    return stateRoot.clone();
  }

  /** The root of the block's transactions trie. */
  public byte[] transactionsRoot() {
    return transactionsRoot.clone();
  }

  /** The root of the block's receipts trie. */
  public byte[] receiptsRoot() {
    return receiptsRoot.clone();
  }

  /** The RLP of the header, which its hash is the Keccak-256 of. */
  byte[] encoding() {
    return encoding.clone();
  }

  /** The bytes of a header field as the RLP holds them; null for a fork's field it has not. */
  byte[] field(String name) {
    byte[] v = values.get(name);
    return v == null ? null : v.clone();
  }

  private enum Kind {
    HASH,
    ADDRESS,
    BLOOM,
    NONCE,
    DATA,
    QUANTITY
  }

  /** A header field: its JSON name and how it is written and encoded. */
  private record Field(String name, Kind kind) {

    /** The field's RLP string content: its bytes, or a quantity's minimal big-endian bytes. */
    byte[] read(JsonNode block) throws ProofException {
      return switch (kind) {
        case HASH -> HexFields.bytes(block, name, HASH_BYTES);
        case ADDRESS -> HexFields.bytes(block, name, 20);
        case BLOOM -> HexFields.bytes(block, name, 256);
        case NONCE -> HexFields.bytes(block, name, 8);
        case DATA -> HexFields.bytes(HexFields.text(block, name), name);
        case QUANTITY -> Rlp.quantity(HexFields.quantity(HexFields.text(block, name), name));
      };
    }
  }
}
