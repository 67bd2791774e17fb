package dev.rpcshield.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * A transaction of a node's JSON encoded as the chain holds it, every type there is: legacy (type
 * 0, with or without EIP-155's chain id in v), access list (1, EIP-2930), dynamic fee (2,
 * EIP-1559), blob (3, EIP-4844) and set code (4, EIP-7702). Its envelope (the type byte, then the
 * RLP of its fields; a legacy one is the RLP alone) is what the block's transactions trie holds and
 * what its hash is the Keccak-256 of; its sender is recovered from the signature over the fields
 * signed. A type this does not know (a rollup's deposit, say) is refused.
 */
final class SignedTransaction {
  private static final BigInteger TWENTY_SEVEN = BigInteger.valueOf(27);
  private static final BigInteger TWENTY_EIGHT = BigInteger.valueOf(28);
  private static final BigInteger THIRTY_FIVE = BigInteger.valueOf(35);
  private static final BigInteger TWO = BigInteger.TWO;
  private static final int WORD = 32;

  /** The fields of a typed transaction before its signature, by type. */
  private static final List<List<Field>> TYPED =
      List.of(
          List.of(),
          List.of(
              Field.CHAIN_ID,
              Field.NONCE,
              new Field("gasPrice", Kind.QUANTITY),
              Field.GAS,
              Field.TO_OR_CREATE,
              Field.VALUE,
              Field.INPUT,
              Field.ACCESS_LIST),
          dynamicFee(Field.TO_OR_CREATE),
          dynamicFee(
              Field.TO,
              new Field("maxFeePerBlobGas", Kind.QUANTITY),
              new Field("blobVersionedHashes", Kind.HASHES)),
          dynamicFee(Field.TO, new Field("authorizationList", Kind.AUTHORIZATIONS)));

  private static final List<Field> LEGACY =
      List.of(
          Field.NONCE,
          new Field("gasPrice", Kind.QUANTITY),
          Field.GAS,
          Field.TO_OR_CREATE,
          Field.VALUE,
          Field.INPUT);

  final int type;
  final byte[] envelope;

  /**
   * A blob transaction's network form when the answer carries its sidecar: the type byte, then the
   * RLP of the signed transaction's fields, blobs, commitments and proofs. anvil puts this form in
   * its transactions trie; null when the answer has no sidecar.
   */
  final byte[] networkEnvelope;

  final byte[] hash;
  final byte[] sender;
  final BigInteger nonce;
  final byte[] to;
  final BigInteger gasPrice;
  final BigInteger maxFee;
  final BigInteger tip;
  final int blobs;

  /** What a legacy transaction's v says: the parity of y, and the chain id when EIP-155's. */
  final BigInteger legacyChainId;

  final int yParity;

  private SignedTransaction(
      JsonNode tx, int type, byte[] envelope, byte[] sender, int yParity, byte[] networkEnvelope)
      throws ProofException {
    this.type = type;
    this.envelope = envelope;
    this.networkEnvelope = networkEnvelope;
    this.hash = Hash.sha3(envelope);
    this.sender = sender;
    this.nonce = quantity(tx, "nonce");
    JsonNode t = tx.get("to");
    this.to = t == null || t.isNull() ? null : HexFields.bytes(tx, "to", 20);
    this.gasPrice = type < 2 ? quantity(tx, "gasPrice") : null;
    this.maxFee = type >= 2 ? quantity(tx, "maxFeePerGas") : null;
    this.tip = type >= 2 ? quantity(tx, "maxPriorityFeePerGas") : null;
    this.blobs = type == 3 ? tx.get("blobVersionedHashes").size() : 0;
    this.yParity = yParity;
    BigInteger v = type == 0 ? quantity(tx, "v") : BigInteger.valueOf(yParity);
    this.legacyChainId =
        type == 0 && v.compareTo(THIRTY_FIVE) >= 0 ? v.subtract(THIRTY_FIVE).divide(TWO) : null;
  }

  /**
   * The transaction {@code tx} writes, encoded and its sender recovered.
   *
   * @throws ProofException when a field is missing or malformed, the type is unknown, or no sender
   *     can be recovered from the signature
   */
  static SignedTransaction of(JsonNode tx) throws ProofException {
    if (tx == null || !tx.isObject()) {
      throw new ProofException("transaction is not an object");
    }
    JsonNode typeField = tx.get("type");
    BigInteger type =
        typeField == null || typeField.isNull()
            ? BigInteger.ZERO
            : HexFields.quantity(HexFields.text(tx, "type"), "type");
    if (type.signum() == 0) {
      return legacy(tx);
    }
    if (type.compareTo(BigInteger.valueOf(TYPED.size())) >= 0) {
      throw new CannotProve("transaction type 0x" + type.toString(16) + " cannot be proven");
    }
    int t = type.intValueExact();
    List<byte[]> fields = encode(tx, TYPED.get(t));
    int yParity = yParity(tx);
    byte[] signed = typed(t, Rlp.list(fields));
    List<byte[]> all = new ArrayList<>(fields);
    all.add(Rlp.string(Rlp.quantity(BigInteger.valueOf(yParity))));
    all.add(Field.R.encode(tx));
    all.add(Field.S.encode(tx));
    byte[] envelope = typed(t, Rlp.list(all));
    return new SignedTransaction(
        tx, t, envelope, sender(Hash.sha3(signed), yParity, tx), yParity, network(tx, t, all));
  }

  private static SignedTransaction legacy(JsonNode tx) throws ProofException {
    List<byte[]> fields = encode(tx, LEGACY);
    BigInteger v = quantity(tx, "v");
    List<byte[]> signed = new ArrayList<>(fields);
    int yParity;
    if (v.equals(TWENTY_SEVEN) || v.equals(TWENTY_EIGHT)) {
      yParity = v.intValueExact() - 27;
    } else if (v.compareTo(THIRTY_FIVE) >= 0) {
      BigInteger[] chainAndParity = v.subtract(THIRTY_FIVE).divideAndRemainder(TWO);
      yParity = chainAndParity[1].intValueExact();
      signed.add(Rlp.string(Rlp.quantity(chainAndParity[0])));
      signed.add(Rlp.string(new byte[0]));
      signed.add(Rlp.string(new byte[0]));
    } else {
      throw new ProofException("legacy transaction with v " + v);
    }
    List<byte[]> all = new ArrayList<>(fields);
    all.add(Rlp.string(Rlp.quantity(v)));
    all.add(Field.R.encode(tx));
    all.add(Field.S.encode(tx));
    byte[] envelope = Rlp.list(all);
    return new SignedTransaction(
        tx, 0, envelope, sender(Hash.sha3(Rlp.list(signed)), yParity, tx), yParity, null);
  }

  /**
   * A blob transaction's network form, from the fields signed and the sidecar the answer carries
   * ({@code blobs}, {@code commitments}, {@code proofs}); null for another type or without one.
   */
  private static byte[] network(JsonNode tx, int type, List<byte[]> fields) throws ProofException {
    if (type != 3 || !tx.has("blobs")) {
      return null;
    }
    List<byte[]> parts = new ArrayList<>(List.of(Rlp.list(fields)));
    for (String part : List.of("blobs", "commitments", "proofs")) {
      List<byte[]> items = new ArrayList<>();
      for (JsonNode item : Field.array(tx, part)) {
        if (!item.isTextual()) {
          throw new ProofException(part + " holds an item that is not a string");
        }
        items.add(Rlp.string(HexFields.bytes(item.asText(), part)));
      }
      parts.add(Rlp.list(items));
    }
    return typed(type, Rlp.list(parts));
  }

  /**
   * The item a block's body holds: a legacy transaction's list, a typed one's envelope (or network
   * form) as bytes.
   */
  byte[] bodyItem(boolean network) {
    if (type == 0) {
      return envelope;
    }
    return Rlp.string(network && networkEnvelope != null ? networkEnvelope : envelope);
  }

  /** The price per gas the transaction paid in a block of {@code baseFee} (null before London). */
  BigInteger effectiveGasPrice(BigInteger baseFee) throws ProofException {
    if (gasPrice != null) {
      return gasPrice;
    }
    if (baseFee == null) {
      throw new ProofException("a dynamic-fee transaction in a block without a base fee");
    }
    return maxFee.min(baseFee.add(tip));
  }

  /** The address of the contract a creation makes: Keccak-256 of the RLP of sender and nonce. */
  byte[] createdAddress() {
    byte[] h = Hash.sha3(Rlp.list(List.of(Rlp.string(sender), Rlp.string(Rlp.quantity(nonce)))));
    return Arrays.copyOfRange(h, 12, WORD);
  }

  /** The fields of a dynamic-fee transaction (EIP-1559 and those after it) before its signature. */
  private static List<Field> dynamicFee(Field to, Field... more) {
    List<Field> fields =
        new ArrayList<>(
            List.of(
                Field.CHAIN_ID,
                Field.NONCE,
                Field.TIP,
                Field.MAX_FEE,
                Field.GAS,
                to,
                Field.VALUE,
                Field.INPUT,
                Field.ACCESS_LIST));
    fields.addAll(List.of(more));
    return List.copyOf(fields);
  }

  /**
   * The JSON fields a node writes of a transaction of {@code type} that its encoding holds: a
   * legacy one's chain id only follows from its v.
   */
  static Set<String> fieldNames(int type) {
    Set<String> names = new HashSet<>(List.of("type", "v", "r", "s"));
    (type == 0 ? LEGACY : TYPED.get(type)).forEach(f -> names.add(f.name()));
    names.add(type == 0 ? "chainId" : "yParity");
    return names;
  }

  private static byte[] typed(int type, byte[] rlp) {
    byte[] out = new byte[rlp.length + 1];
    out[0] = (byte) type;
    System.arraycopy(rlp, 0, out, 1, rlp.length);
    return out;
  }

  private static int yParity(JsonNode tx) throws ProofException {
    JsonNode y = tx.get("yParity");
    BigInteger parity = null;
    if (y != null && !y.isNull()) {
      parity = quantity(tx, "yParity");
    }
    JsonNode v = tx.get("v");
    if (v != null && !v.isNull()) {
      BigInteger fromV = quantity(tx, "v");
      if (parity != null && !parity.equals(fromV)) {
        throw new ProofException("v and yParity differ");
      }
      parity = fromV;
    }
    if (parity == null) {
      throw new ProofException("no yParity");
    }
    if (parity.compareTo(BigInteger.ONE) > 0) {
      throw new ProofException("yParity is neither 0 nor 1");
    }
    return parity.intValueExact();
  }

  private static byte[] sender(byte[] signedHash, int yParity, JsonNode tx) throws ProofException {
    byte[] r = word(tx, "r");
    byte[] s = word(tx, "s");
    try {
      BigInteger key =
          Sign.signedMessageHashToKey(
              signedHash, new Sign.SignatureData((byte) (27 + yParity), r, s));
      return HexFormat.of().parseHex(Keys.getAddress(key));
    } catch (SignatureException | IllegalArgumentException e) {
      throw new ProofException("no sender can be recovered from the signature");
    }
  }

  private static BigInteger quantity(JsonNode tx, String field) throws ProofException {
    return HexFields.quantity(HexFields.text(tx, field), field);
  }

  private static byte[] word(JsonNode tx, String field) throws ProofException {
    byte[] v = Rlp.quantity(quantity(tx, field));
    if (v.length > WORD) {
      throw new ProofException(field + " is longer than 32 bytes");
    }
    byte[] out = new byte[WORD];
    System.arraycopy(v, 0, out, WORD - v.length, v.length);
    return out;
  }

  private static List<byte[]> encode(JsonNode tx, List<Field> fields) throws ProofException {
    List<byte[]> out = new ArrayList<>(fields.size());
    for (Field f : fields) {
      out.add(f.encode(tx));
    }
    return out;
  }

  private enum Kind {
    QUANTITY,
    ADDRESS,
    ADDRESS_OR_NONE,
    DATA,
    ACCESS_LIST,
    HASHES,
    AUTHORIZATIONS
  }

  /** A transaction field: its JSON name, and how the chain encodes it. */
  private record Field(String name, Kind kind) {
    static final Field CHAIN_ID = new Field("chainId", Kind.QUANTITY);
    static final Field NONCE = new Field("nonce", Kind.QUANTITY);
    static final Field GAS = new Field("gas", Kind.QUANTITY);
    static final Field TIP = new Field("maxPriorityFeePerGas", Kind.QUANTITY);
    static final Field MAX_FEE = new Field("maxFeePerGas", Kind.QUANTITY);
    static final Field TO = new Field("to", Kind.ADDRESS);
    static final Field TO_OR_CREATE = new Field("to", Kind.ADDRESS_OR_NONE);
    static final Field VALUE = new Field("value", Kind.QUANTITY);
    static final Field INPUT = new Field("input", Kind.DATA);
    static final Field ACCESS_LIST = new Field("accessList", Kind.ACCESS_LIST);
    static final Field R = new Field("r", Kind.QUANTITY);
    static final Field S = new Field("s", Kind.QUANTITY);

    /** The field's RLP encoding. */
    byte[] encode(JsonNode tx) throws ProofException {
      return switch (kind) {
        case QUANTITY ->
            Rlp.string(Rlp.quantity(HexFields.quantity(HexFields.text(tx, name), name)));
        case ADDRESS -> Rlp.string(HexFields.bytes(tx, name, 20));
        case ADDRESS_OR_NONE -> {
          JsonNode v = tx.get(name);
          yield Rlp.string(v == null || v.isNull() ? new byte[0] : HexFields.bytes(tx, name, 20));
        }
        case DATA -> Rlp.string(HexFields.bytes(HexFields.text(tx, name), name));
        case ACCESS_LIST -> accessList(array(tx, name));
        case HASHES -> {
          List<byte[]> hashes = new ArrayList<>();
          for (JsonNode h : array(tx, name)) {
            if (!h.isTextual()) {
              throw new ProofException(name + " holds a hash that is not a string");
            }
            byte[] hash = HexFields.bytes(h.asText(), name);
            if (hash.length != WORD) {
              throw new ProofException(name + " holds a hash that is not 32 bytes");
            }
            hashes.add(Rlp.string(hash));
          }
          yield Rlp.list(hashes);
        }
        case AUTHORIZATIONS -> {
          List<byte[]> items = new ArrayList<>();
          for (JsonNode a : array(tx, name)) {
            if (!a.isObject()) {
              throw new ProofException(name + " holds an entry that is not an object");
            }
            items.add(
                Rlp.list(
                    List.of(
                        CHAIN_ID.encode(a),
                        new Field("address", Kind.ADDRESS).encode(a),
                        NONCE.encode(a),
                        new Field("yParity", Kind.QUANTITY).encode(a),
                        R.encode(a),
                        S.encode(a))));
          }
          yield Rlp.list(items);
        }
      };
    }

    private static JsonNode array(JsonNode tx, String name) throws ProofException {
      JsonNode v = tx.get(name);
      if (v == null || !v.isArray()) {
        throw new ProofException(name + " is not a list");
      }
      return v;
    }

    private static byte[] accessList(JsonNode list) throws ProofException {
      List<byte[]> entries = new ArrayList<>();
      for (JsonNode e : list) {
        if (!e.isObject()) {
          throw new ProofException("accessList holds an entry that is not an object");
        }
        List<byte[]> keys = new ArrayList<>();
        for (JsonNode k : array(e, "storageKeys")) {
          if (!k.isTextual()) {
            throw new ProofException("storageKeys holds a key that is not a string");
          }
          byte[] key = HexFields.bytes(k.asText(), "storageKeys");
          if (key.length != WORD) {
            throw new ProofException("storageKeys holds a key that is not 32 bytes");
          }
          keys.add(Rlp.string(key));
        }
        entries.add(
            Rlp.list(List.of(new Field("address", Kind.ADDRESS).encode(e), Rlp.list(keys))));
      }
      return Rlp.list(entries);
    }
  }
}
