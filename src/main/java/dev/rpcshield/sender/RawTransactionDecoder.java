package dev.rpcshield.sender;

import dev.rpcshield.sender.InvalidTransactionException.Reason;
import dev.rpcshield.sender.Rlp.Item;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.web3j.crypto.ECDSASignature;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * Decodes the param of eth_sendRawTransaction and recovers its sender, for every form a node
 * accepts: legacy (with and without EIP-155), EIP-2930, EIP-1559, EIP-4844 (the signed payload
 * alone, and both network forms, EIP-4844's {@code [tx, blobs, commitments, proofs]} and EIP-7594's
 * {@code [tx, wrapper_version, blobs, commitments, cell_proofs]}) and EIP-7702.
 *
 * <p>The fields are read in place from the client's bytes and the signing hash is taken over them
 * as sent, never over objects encoded again: web3j's decoder drops a blob transaction's access list
 * and so recovers a wrong sender, and re-encoding would copy the blobs. Blobs, commitments and
 * proofs are left to the node; only Keccak and the secp256k1 recovery are web3j's.
 */
public final class RawTransactionDecoder {
  /** secp256k1 group order; a signature value must be below it, EIP-2 wants s below half. */
  private static final BigInteger N =
      new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);

  private static final BigInteger HALF_N = N.shiftRight(1);

  /**
   * Each type's signed fields, {@code s} a string and {@code l} a list; the last three are the
   * signature (v or y parity, r, s). Legacy: nonce, gas price, gas, to, value, data. EIP-2930:
   * chain id, nonce, gas price, gas, to, value, data, access list. EIP-1559: chain id, nonce, tip,
   * fee cap, gas, to, value, data, access list; EIP-4844 adds the blob fee cap and the versioned
   * hashes, EIP-7702 the authorization list.
   */
  private static final String[] LAYOUT = {
    "sssssssss", "ssssssslsss", "sssssssslsss", "sssssssslslsss", "ssssssssllsss"
  };

  /** Where each type's recipient is among its fields. */
  private static final int[] TO = {3, 4, 5, 5, 5};

  private static final String[] NAME = {"legacy", "EIP-2930", "EIP-1559", "EIP-4844", "EIP-7702"};

  private final Set<Long> allowedChainIds;
  private final boolean allowUnprotected;

  /**
   * @param allowedChainIds chains a transaction may be signed for; empty allows any
   * @param allowUnprotected whether pre-EIP-155 legacy transactions (no chain id) pass when {@code
   *     allowedChainIds} is set (default false: they could be replayed on any chain)
   */
  public RawTransactionDecoder(Set<Long> allowedChainIds, boolean allowUnprotected) {
    this.allowedChainIds = Set.copyOf(allowedChainIds);
    this.allowUnprotected = allowUnprotected;
  }

  /**
   * The recipient of a signed transaction, lowercase 0x-hex, or {@code null} for a contract
   * creation. Read without recovering the signer: what a contract allowlist checks.
   */
  public String recipient(String hex) throws InvalidTransactionException {
    byte[] raw = bytes(hex);
    int first = raw[0] & 0xff;
    int type = first >= 0xc0 ? 0 : first;
    if (type == 0 && first < 0xc0 || type >= LAYOUT.length) {
      throw new InvalidTransactionException(
          Reason.UNKNOWN_TYPE,
          "unknown transaction type 0x" + HexFormat.of().toHexDigits((byte) first));
    }
    Item payload;
    if (type == 0) {
      payload = Rlp.whole(raw, 0);
    } else {
      Item envelope = Rlp.whole(raw, 1);
      payload = type == 3 ? blobPayload(raw, envelope) : envelope;
    }
    Item to = fields(raw, type, payload).get(TO[type]);
    int length = to.end() - to.contentStart();
    if (length == 0) {
      return null;
    }
    if (length != 20) {
      throw notDecodable("the recipient is " + length + " bytes, not 20");
    }
    return "0x" + HexFormat.of().formatHex(raw, to.contentStart(), to.end());
  }

  public SignedTransaction decode(String hex) throws InvalidTransactionException {
    byte[] raw = bytes(hex);
    int first = raw[0] & 0xff;
    if (first >= 0xc0) {
      return signed(raw, 0, Rlp.whole(raw, 0));
    }
    if (first == 0 || first >= LAYOUT.length) {
      throw new InvalidTransactionException(
          Reason.UNKNOWN_TYPE,
          "unknown transaction type 0x" + HexFormat.of().toHexDigits((byte) first));
    }
    Item envelope = Rlp.whole(raw, 1);
    return signed(raw, first, first == 3 ? blobPayload(raw, envelope) : envelope);
  }

  /**
   * The signed payload of a blob transaction: the envelope itself, or in a network form (whose
   * first item is a list) that first item. A wrapper version other than EIP-7594's 1 is a later
   * fork's sidecar: its payload is still read, and the node judges the rest.
   */
  private static Item blobPayload(byte[] raw, Item envelope) throws InvalidTransactionException {
    List<Item> items = Rlp.items(raw, envelope);
    if (items.isEmpty() || !items.get(0).list()) {
      return envelope;
    }
    boolean eip4844 = items.size() == 4 && listsFrom(items, 1);
    boolean versioned = items.size() == 5 && !items.get(1).list() && listsFrom(items, 2);
    if (!eip4844 && !versioned) {
      throw new InvalidTransactionException(
          Reason.NOT_DECODABLE,
          "blob transaction in network form is not decodable: expected [tx, blobs, commitments,"
              + " proofs] (EIP-4844) or [tx, wrapper_version, blobs, commitments, cell_proofs]"
              + " (EIP-7594), got "
              + items.size()
              + " items");
    }
    return items.get(0);
  }

  private static boolean listsFrom(List<Item> items, int from) {
    return items.subList(from, items.size()).stream().allMatch(Item::list);
  }

  private SignedTransaction signed(byte[] raw, int type, Item payload)
      throws InvalidTransactionException {
    List<Item> fields = fields(raw, type, payload);
    int sig = fields.size() - 3;
    BigInteger nonce = Rlp.scalar(raw, fields.get(type == 0 ? 0 : 1), 8, "nonce");
    BigInteger v = Rlp.scalar(raw, fields.get(sig), 32, type == 0 ? "v" : "y parity");
    ECDSASignature rs = signature(raw, fields.get(sig + 1), fields.get(sig + 2));
    Signing signing =
        type == 0 ? legacySigning(raw, fields, v) : typedSigning(raw, type, fields, v);
    checkChain(signing.chainId());
    BigInteger key = recover(signing, rs);
    boolean wrapped = payload.start() > 1;
    byte[] hash = Hash.sha3(wrapped ? typed(type, raw, payload.start(), payload.end()) : raw);
    return new SignedTransaction(
        "0x" + Keys.getAddress(key),
        nonce,
        signing.chainId(),
        type,
        "0x" + HexFormat.of().formatHex(hash));
  }

  /**
   * The signer's public key. An r that is no point's x coordinate makes web3j throw
   * IllegalArgumentException from the point decompression rather than answer null.
   */
  private static BigInteger recover(Signing signing, ECDSASignature rs)
      throws InvalidTransactionException {
    BigInteger key;
    try {
      key = Sign.recoverFromSignature(signing.recId(), rs, signing.hash());
    } catch (IllegalArgumentException e) {
      throw new InvalidTransactionException(
          Reason.UNRECOVERABLE, "signature is not recoverable: r is not on the curve");
    }
    if (key == null) {
      throw new InvalidTransactionException(Reason.UNRECOVERABLE, "signature is not recoverable");
    }
    return key;
  }

  /** The payload's fields, as many and of the kinds its type has. */
  private static List<Item> fields(byte[] raw, int type, Item payload)
      throws InvalidTransactionException {
    List<Item> fields = Rlp.items(raw, payload);
    String layout = LAYOUT[type];
    if (fields.size() == layout.length() - 3) {
      throw new InvalidTransactionException(Reason.NOT_DECODABLE, "transaction is not signed");
    }
    if (fields.size() != layout.length()) {
      throw notDecodable(
          "a signed "
              + NAME[type]
              + " transaction has "
              + layout.length()
              + " fields, this one has "
              + fields.size());
    }
    for (int i = 0; i < fields.size(); i++) {
      boolean list = layout.charAt(i) == 'l';
      if (fields.get(i).list() != list) {
        throw notDecodable(
            "field "
                + i
                + " of this "
                + NAME[type]
                + " transaction must be a "
                + (list ? "list" : "string"));
      }
    }
    return fields;
  }

  /** r and s: non-zero, canonical, below the curve order, s in the lower half (EIP-2). */
  private static ECDSASignature signature(byte[] raw, Item rItem, Item sItem)
      throws InvalidTransactionException {
    BigInteger r = Rlp.magnitude(raw, rItem, 32, "r");
    BigInteger s = Rlp.magnitude(raw, sItem, 32, "s");
    if (r.signum() == 0 || s.signum() == 0) {
      throw new InvalidTransactionException(
          Reason.UNRECOVERABLE, "signature is not recoverable: r or s is zero");
    }
    Rlp.canonical(raw, rItem, "r");
    Rlp.canonical(raw, sItem, "s");
    if (r.compareTo(N) >= 0 || s.compareTo(N) >= 0) {
      throw new InvalidTransactionException(
          Reason.UNRECOVERABLE,
          "signature is not recoverable: r or s is not below the curve order");
    }
    if (s.compareTo(HALF_N) > 0) {
      throw new InvalidTransactionException(
          Reason.HIGH_S,
          "signature has a high s value (EIP-2): re-sign with a canonical signature");
    }
    return new ECDSASignature(r, s);
  }

  /** What the signature covers, and what it says beside r and s. */
  private record Signing(byte[] hash, int recId, Long chainId) {}

  /** EIP-155: v is 27 or 28 without a chain id, else 35 + 2 × chain id + parity. */
  private static Signing legacySigning(byte[] raw, List<Item> fields, BigInteger v)
      throws InvalidTransactionException {
    int from = fields.get(0).start();
    int to = fields.get(5).end();
    if (v.equals(BigInteger.valueOf(27)) || v.equals(BigInteger.valueOf(28))) {
      return new Signing(Hash.sha3(Rlp.list(raw, from, to, new byte[0])), v.intValue() - 27, null);
    }
    if (v.compareTo(BigInteger.valueOf(37)) < 0) {
      throw new InvalidTransactionException(
          Reason.UNRECOVERABLE,
          "signature is not recoverable: legacy v must be 27, 28, or 35 + 2 × chain id + parity");
    }
    BigInteger fromBase = v.subtract(BigInteger.valueOf(35));
    BigInteger chainId = fromBase.shiftRight(1);
    byte[] chain = Rlp.encode(chainId);
    byte[] more = new byte[chain.length + 2];
    System.arraycopy(chain, 0, more, 0, chain.length);
    more[chain.length] = (byte) 0x80;
    more[chain.length + 1] = (byte) 0x80;
    return new Signing(
        Hash.sha3(Rlp.list(raw, from, to, more)),
        fromBase.testBit(0) ? 1 : 0,
        longChainId(chainId));
  }

  /** EIP-2718 types: y parity 0 or 1, the hash over the type and every field before it. */
  private static Signing typedSigning(byte[] raw, int type, List<Item> fields, BigInteger yParity)
      throws InvalidTransactionException {
    if (yParity.compareTo(BigInteger.ONE) > 0) {
      throw new InvalidTransactionException(
          Reason.UNRECOVERABLE, "signature is not recoverable: y parity must be 0 or 1");
    }
    Long chainId = longChainId(Rlp.scalar(raw, fields.get(0), 32, "chain id"));
    int lastSigned = fields.size() - 4;
    byte[] unsigned =
        Rlp.list(raw, fields.get(0).start(), fields.get(lastSigned).end(), new byte[0]);
    return new Signing(
        Hash.sha3(typed(type, unsigned, 0, unsigned.length)), yParity.intValue(), chainId);
  }

  private static Long longChainId(BigInteger chainId) throws InvalidTransactionException {
    if (chainId.bitLength() > 63) {
      throw notDecodable("chain id " + chainId + " does not fit in 63 bits");
    }
    return chainId.longValue();
  }

  /** {@code type || data[from, to)}. */
  private static byte[] typed(int type, byte[] data, int from, int to) {
    byte[] out = new byte[1 + to - from];
    out[0] = (byte) type;
    System.arraycopy(data, from, out, 1, to - from);
    return out;
  }

  private void checkChain(Long chainId) throws InvalidTransactionException {
    if (allowedChainIds.isEmpty()) {
      return;
    }
    if (chainId == null && !allowUnprotected) {
      throw new InvalidTransactionException(
          Reason.CHAIN_NOT_ALLOWED,
          "transaction has no chain id (pre-EIP-155); sign it for chain " + allowedChainIds);
    }
    if (chainId != null && !allowedChainIds.contains(chainId)) {
      throw new InvalidTransactionException(
          Reason.CHAIN_NOT_ALLOWED,
          "chain id " + chainId + " is not served here; allowed: " + allowedChainIds);
    }
  }

  private static InvalidTransactionException notDecodable(String why) {
    return new InvalidTransactionException(
        Reason.NOT_DECODABLE, "transaction is not decodable: " + why);
  }

  private static byte[] bytes(String hex) throws InvalidTransactionException {
    if (hex == null || !hex.startsWith("0x")) {
      throw new InvalidTransactionException(
          Reason.NOT_HEX, "raw transaction must be a 0x-prefixed hex string");
    }
    if (hex.length() == 2) {
      throw new InvalidTransactionException(Reason.NOT_HEX, "raw transaction is empty");
    }
    if (hex.length() % 2 != 0) {
      throw new InvalidTransactionException(
          Reason.NOT_HEX, "raw transaction hex has an odd length");
    }
    try {
      return HexFormat.of().parseHex(hex, 2, hex.length());
    } catch (IllegalArgumentException e) {
      throw new InvalidTransactionException(
          Reason.NOT_HEX, "raw transaction contains non-hex characters");
    }
  }
}
