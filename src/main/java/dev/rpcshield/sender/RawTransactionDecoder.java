package dev.rpcshield.sender;

import dev.rpcshield.sender.InvalidTransactionException.Reason;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.Sign;
import org.web3j.crypto.SignedRawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.transaction.type.ITransaction;
import org.web3j.crypto.transaction.type.Transaction1559;
import org.web3j.crypto.transaction.type.Transaction2930;
import org.web3j.crypto.transaction.type.Transaction4844;
import org.web3j.crypto.transaction.type.Transaction7702;
import org.web3j.rlp.RlpDecoder;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpType;

/**
 * Decodes the param of eth_sendRawTransaction and recovers its sender, for every transaction type
 * in use: legacy (with and without EIP-155), EIP-2930, EIP-1559, EIP-4844 (plain, and the network
 * form with blobs, whose blobs are dropped unread) and EIP-7702. Decoding and recovery are web3j's;
 * the checks web3j leaves out (trailing bytes, EIP-2 high s, allowed chains) are here.
 */
public final class RawTransactionDecoder {
  /** secp256k1 group order; EIP-2 refuses s above half of it. */
  private static final BigInteger HALF_N =
      new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16)
          .shiftRight(1);

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

  public SignedTransaction decode(String hex) throws InvalidTransactionException {
    byte[] raw = bytes(hex);
    int type = (raw[0] & 0xff) >= 0xc0 ? 0 : raw[0] & 0xff;
    if (type > 4) {
      throw new InvalidTransactionException(
          Reason.UNKNOWN_TYPE,
          "unknown transaction type 0x" + HexFormat.of().toHexDigits((byte) type));
    }
    byte[] payload = type == 3 ? withoutBlobs(raw) : raw;
    checkSingleRlpItem(payload, type);
    RawTransaction decoded;
    try {
      decoded = TransactionDecoder.decode(HexFormat.of().formatHex(payload));
    } catch (RuntimeException e) {
      throw new InvalidTransactionException(
          Reason.NOT_DECODABLE, "transaction is not decodable: malformed fields");
    }
    if (!(decoded instanceof SignedRawTransaction signed)) {
      throw new InvalidTransactionException(Reason.NOT_DECODABLE, "transaction is not signed");
    }
    Sign.SignatureData sig = signed.getSignatureData();
    BigInteger r = new BigInteger(1, sig.getR());
    BigInteger s = new BigInteger(1, sig.getS());
    if (r.signum() == 0 || s.signum() == 0) {
      throw new InvalidTransactionException(
          Reason.UNRECOVERABLE, "signature is not recoverable: r or s is zero");
    }
    if (s.compareTo(HALF_N) > 0) {
      throw new InvalidTransactionException(
          Reason.HIGH_S,
          "signature has a high s value (EIP-2): re-sign with a canonical signature");
    }
    Long chainId = chainId(signed, type);
    if (!allowedChainIds.isEmpty()) {
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
    String sender;
    try {
      sender = signed.getFrom();
    } catch (SignatureException | RuntimeException e) {
      throw new InvalidTransactionException(Reason.UNRECOVERABLE, "signature is not recoverable");
    }
    return new SignedTransaction(
        sender.toLowerCase(Locale.ROOT),
        signed.getNonce(),
        chainId,
        type,
        "0x" + HexFormat.of().formatHex(Hash.sha3(payload)));
  }

  private static Long chainId(SignedRawTransaction signed, int type) {
    if (type == 0) {
      return signed.getChainId();
    }
    ITransaction tx = signed.getTransaction();
    return switch (tx) {
      case Transaction7702 t -> t.getChainId();
      case Transaction4844 t -> t.getChainId();
      case Transaction1559 t -> t.getChainId();
      case Transaction2930 t -> t.getChainId();
      default -> null;
    };
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

  /**
   * A blob transaction in network form is {@code 0x03 || rlp([tx, blobs, commitments, proofs])};
   * the node hashes and executes {@code 0x03 || rlp(tx)}, so that is what is decoded.
   */
  private static byte[] withoutBlobs(byte[] raw) throws InvalidTransactionException {
    RlpList outer = decodeList(raw, 1);
    List<RlpType> items = outer.getValues();
    if (items.size() == 4 && items.get(0) instanceof RlpList tx) {
      byte[] body = RlpEncoder.encode(tx);
      byte[] out = new byte[body.length + 1];
      out[0] = 3;
      System.arraycopy(body, 0, out, 1, body.length);
      return out;
    }
    return raw;
  }

  /** The payload after the type byte must be exactly one RLP list: no truncation, no trailer. */
  private static void checkSingleRlpItem(byte[] payload, int type)
      throws InvalidTransactionException {
    decodeList(payload, type == 0 ? 0 : 1);
  }

  private static RlpList decodeList(byte[] data, int offset) throws InvalidTransactionException {
    if (data.length <= offset) {
      throw new InvalidTransactionException(Reason.NOT_DECODABLE, "transaction is truncated");
    }
    int first = data[offset] & 0xff;
    if (first < 0xc0) {
      throw new InvalidTransactionException(Reason.NOT_DECODABLE, "transaction is not an RLP list");
    }
    long length;
    int header;
    if (first <= 0xf7) {
      length = first - 0xc0;
      header = 1;
    } else {
      int n = first - 0xf7;
      if (data.length < offset + 1 + n) {
        throw new InvalidTransactionException(Reason.NOT_DECODABLE, "transaction is truncated");
      }
      length = 0;
      for (int i = 0; i < n; i++) {
        length = (length << 8) | (data[offset + 1 + i] & 0xff);
      }
      header = 1 + n;
    }
    long expected = offset + header + length;
    if (expected > data.length) {
      throw new InvalidTransactionException(Reason.NOT_DECODABLE, "transaction is truncated");
    }
    if (expected < data.length) {
      throw new InvalidTransactionException(
          Reason.NOT_DECODABLE, "transaction has trailing bytes after its RLP");
    }
    try {
      byte[] slice = Arrays.copyOfRange(data, offset, data.length);
      return (RlpList) RlpDecoder.decode(slice).getValues().get(0);
    } catch (RuntimeException e) {
      throw new InvalidTransactionException(Reason.NOT_DECODABLE, "transaction is not valid RLP");
    }
  }
}
