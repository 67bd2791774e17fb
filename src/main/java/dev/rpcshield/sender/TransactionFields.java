package dev.rpcshield.sender;

import dev.rpcshield.sender.InvalidTransactionException.Reason;
import dev.rpcshield.sender.Rlp.Item;
import java.util.HexFormat;
import java.util.List;
import org.web3j.crypto.Hash;

/**
 * The signed fields of a raw transaction, located in the client's bytes: its type, the payload the
 * signature covers (inside a blob transaction's network form, if it is in one), and each field,
 * checked against its type's layout. Nothing is copied out or encoded again.
 */
final class TransactionFields {
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

  private final byte[] raw;
  private final int type;
  private final Item payload;
  private final List<Item> fields;

  private TransactionFields(byte[] raw, int type, Item payload, List<Item> fields) {
    this.raw = raw;
    this.type = type;
    this.payload = payload;
    this.fields = fields;
  }

  /** Reads the fields of the 0x-hex param of eth_sendRawTransaction. */
  static TransactionFields of(String hex) throws InvalidTransactionException {
    byte[] raw = bytes(hex);
    int first = raw[0] & 0xff;
    if (first >= 0xc0) {
      Item payload = Rlp.whole(raw, 0);
      return new TransactionFields(raw, 0, payload, fields(raw, 0, payload));
    }
    if (first == 0 || first >= LAYOUT.length) {
      throw new InvalidTransactionException(
          Reason.UNKNOWN_TYPE,
          "unknown transaction type 0x" + HexFormat.of().toHexDigits((byte) first));
    }
    Item envelope = Rlp.whole(raw, 1);
    Item payload = first == 3 ? blobPayload(raw, envelope) : envelope;
    return new TransactionFields(raw, first, payload, fields(raw, first, payload));
  }

  /** The client's bytes, which the items point into. */
  byte[] raw() {
    return raw;
  }

  /** 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844, 4 EIP-7702. */
  int type() {
    return type;
  }

  /** Every signed field, the signature's three last. */
  List<Item> fields() {
    return fields;
  }

  Item nonce() {
    return fields.get(type == 0 ? 0 : 1);
  }

  /**
   * The recipient, lowercase 0x-hex, or {@code null} for a contract creation.
   *
   * @throws InvalidTransactionException when it is neither empty nor 20 bytes
   */
  String recipient() throws InvalidTransactionException {
    Item to = fields.get(TO[type]);
    int length = to.end() - to.contentStart();
    if (length == 0) {
      return null;
    }
    if (length != 20) {
      throw InvalidTransactionException.notDecodable(
          "the recipient is " + length + " bytes, not 20");
    }
    return "0x" + HexFormat.of().formatHex(raw, to.contentStart(), to.end());
  }

  /**
   * The hash a node reports: of the bytes as sent, or for a blob transaction in network form, of
   * its type and the signed payload without the blobs.
   */
  byte[] hash() {
    boolean wrapped = payload.start() > 1;
    return Hash.sha3(wrapped ? typed(type, raw, payload.start(), payload.end()) : raw);
  }

  /** {@code type || data[from, to)}. */
  static byte[] typed(int type, byte[] data, int from, int to) {
    byte[] out = new byte[1 + to - from];
    out[0] = (byte) type;
    System.arraycopy(data, from, out, 1, to - from);
    return out;
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

  /** The payload's fields, as many and of the kinds its type has. */
  private static List<Item> fields(byte[] raw, int type, Item payload)
      throws InvalidTransactionException {
    List<Item> fields = Rlp.items(raw, payload);
    String layout = LAYOUT[type];
    if (fields.size() == layout.length() - 3) {
      throw new InvalidTransactionException(Reason.NOT_DECODABLE, "transaction is not signed");
    }
    if (fields.size() != layout.length()) {
      throw InvalidTransactionException.notDecodable(
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
        throw InvalidTransactionException.notDecodable(
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
