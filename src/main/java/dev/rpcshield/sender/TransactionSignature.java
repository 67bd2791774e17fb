package dev.rpcshield.sender;

import dev.rpcshield.sender.InvalidTransactionException.Reason;
import dev.rpcshield.sender.Rlp.Item;
import java.math.BigInteger;
import java.util.List;
import org.web3j.crypto.ECDSASignature;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;

/**
 * A transaction's signature: r and s checked as nodes check them, what the signature covers (the
 * signing hash, taken over the fields as sent), the chain it names, and the key that signed it.
 * Only Keccak and the secp256k1 recovery are web3j's.
 */
final class TransactionSignature {
  /** secp256k1 group order; a signature value must be below it, EIP-2 wants s below half. */
  private static final BigInteger N =
      new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);

  private static final BigInteger HALF_N = N.shiftRight(1);

  private final byte[] hash;
  private final int recId;
  private final Long chainId;
  private final ECDSASignature rs;

  private TransactionSignature(byte[] hash, int recId, Long chainId, ECDSASignature rs) {
    this.hash = hash;
    this.recId = recId;
    this.chainId = chainId;
    this.rs = rs;
  }

  /** Reads the signature of {@code tx}: its v or y parity, then r and s, then what it covers. */
  static TransactionSignature of(TransactionFields tx) throws InvalidTransactionException {
    byte[] raw = tx.raw();
    List<Item> fields = tx.fields();
    int sig = fields.size() - 3;
    int type = tx.type();
    BigInteger v = Rlp.scalar(raw, fields.get(sig), 32, type == 0 ? "v" : "y parity");
    ECDSASignature rs = rs(raw, fields.get(sig + 1), fields.get(sig + 2));
    return type == 0 ? legacy(raw, fields, v, rs) : typed(raw, type, fields, v, rs);
  }

  /** The chain it is signed for, or {@code null} for a pre-EIP-155 legacy transaction. */
  Long chainId() {
    return chainId;
  }

  /**
   * The signer's public key. An r that is no point's x coordinate makes web3j throw
   * IllegalArgumentException from the point decompression rather than answer null.
   */
  BigInteger signer() throws InvalidTransactionException {
    BigInteger key;
    try {
      key = Sign.recoverFromSignature(recId, rs, hash);
    } catch (IllegalArgumentException e) {
      throw new InvalidTransactionException(
          Reason.UNRECOVERABLE, "signature is not recoverable: r is not on the curve");
    }
    if (key == null) {
      throw new InvalidTransactionException(Reason.UNRECOVERABLE, "signature is not recoverable");
    }
    return key;
  }

  /** r and s: non-zero, canonical, below the curve order, s in the lower half (EIP-2). */
  private static ECDSASignature rs(byte[] raw, Item rItem, Item sItem)
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

  /** EIP-155: v is 27 or 28 without a chain id, else 35 + 2 × chain id + parity. */
  private static TransactionSignature legacy(
      byte[] raw, List<Item> fields, BigInteger v, ECDSASignature rs)
      throws InvalidTransactionException {
    int from = fields.get(0).start();
    int to = fields.get(5).end();
    if (v.equals(BigInteger.valueOf(27)) || v.equals(BigInteger.valueOf(28))) {
      return new TransactionSignature(
          Hash.sha3(Rlp.list(raw, from, to, new byte[0])), v.intValue() - 27, null, rs);
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
    return new TransactionSignature(
        Hash.sha3(Rlp.list(raw, from, to, more)),
        fromBase.testBit(0) ? 1 : 0,
        longChainId(chainId),
        rs);
  }

  /** EIP-2718 types: y parity 0 or 1, the hash over the type and every field before it. */
  private static TransactionSignature typed(
      byte[] raw, int type, List<Item> fields, BigInteger yParity, ECDSASignature rs)
      throws InvalidTransactionException {
    if (yParity.compareTo(BigInteger.ONE) > 0) {
      throw new InvalidTransactionException(
          Reason.UNRECOVERABLE, "signature is not recoverable: y parity must be 0 or 1");
    }
    Long chainId = longChainId(Rlp.scalar(raw, fields.get(0), 32, "chain id"));
    int lastSigned = fields.size() - 4;
    byte[] unsigned =
        Rlp.list(raw, fields.get(0).start(), fields.get(lastSigned).end(), new byte[0]);
    return new TransactionSignature(
        Hash.sha3(TransactionFields.typed(type, unsigned, 0, unsigned.length)),
        yParity.intValue(),
        chainId,
        rs);
  }

  private static Long longChainId(BigInteger chainId) throws InvalidTransactionException {
    if (chainId.bitLength() > 63) {
      throw InvalidTransactionException.notDecodable(
          "chain id " + chainId + " does not fit in 63 bits");
    }
    return chainId.longValue();
  }
}
