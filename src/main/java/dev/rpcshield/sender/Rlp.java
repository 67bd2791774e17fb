package dev.rpcshield.sender;

import dev.rpcshield.sender.InvalidTransactionException.Reason;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A strict RLP reader over the client's own bytes: an item is offsets into them, so a transaction's
 * fields (and a blob transaction's signed payload inside its network form) are read and hashed
 * without being copied out or encoded again. Non-canonical sizes are refused, as nodes refuse them.
 */
final class Rlp {

  /**
   * One item of {@code data}.
   *
   * @param start offset of its first header byte
   * @param contentStart offset of its first content byte
   * @param end offset just past it
   * @param list whether it is a list (else a string)
   */
  record Item(int start, int contentStart, int end, boolean list) {}

  private Rlp() {}

  /** The list that starts at {@code from} and ends exactly at the end of {@code data}. */
  static Item whole(byte[] data, int from) throws InvalidTransactionException {
    if (data.length <= from) {
      throw notDecodable("transaction is truncated");
    }
    if ((data[from] & 0xff) < 0xc0) {
      throw notDecodable("transaction is not an RLP list");
    }
    Item item = at(data, from, data.length, "transaction is truncated");
    if (item.end() < data.length) {
      throw notDecodable("transaction has trailing bytes after its RLP");
    }
    return item;
  }

  /** The items of {@code list}, in order. */
  static List<Item> items(byte[] data, Item list) throws InvalidTransactionException {
    List<Item> items = new ArrayList<>();
    int at = list.contentStart();
    while (at < list.end()) {
      Item item =
          at(data, at, list.end(), "transaction is not valid RLP: an item overruns its list");
      items.add(item);
      at = item.end();
    }
    return items;
  }

  /** The content of a string item as an unsigned integer; canonical, at most {@code maxBytes}. */
  static BigInteger scalar(byte[] data, Item item, int maxBytes, String name)
      throws InvalidTransactionException {
    BigInteger value = magnitude(data, item, maxBytes, name);
    canonical(data, item, name);
    return value;
  }

  /** The content of a string item as an unsigned integer of at most {@code maxBytes}. */
  static BigInteger magnitude(byte[] data, Item item, int maxBytes, String name)
      throws InvalidTransactionException {
    int length = item.end() - item.contentStart();
    if (length > maxBytes) {
      throw notDecodable(
          "transaction is not decodable: " + name + " is longer than " + maxBytes + " bytes");
    }
    return length == 0
        ? BigInteger.ZERO
        : new BigInteger(1, Arrays.copyOfRange(data, item.contentStart(), item.end()));
  }

  /** Refuses an integer written with leading zero bytes, as nodes do. */
  static void canonical(byte[] data, Item item, String name) throws InvalidTransactionException {
    if (item.end() > item.contentStart() && data[item.contentStart()] == 0) {
      throw notDecodable("transaction is not decodable: " + name + " has leading zero bytes");
    }
  }

  /**
   * A list whose content is {@code data[from, to)} followed by {@code more}: how a signing hash's
   * input is built from the fields the client sent.
   */
  static byte[] list(byte[] data, int from, int to, byte[] more) {
    int length = to - from + more.length;
    byte[] header = header(0xc0, length);
    byte[] out = new byte[header.length + length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(data, from, out, header.length, to - from);
    System.arraycopy(more, 0, out, header.length + to - from, more.length);
    return out;
  }

  /** The canonical encoding of an unsigned integer. */
  static byte[] encode(BigInteger value) {
    if (value.signum() == 0) {
      return new byte[] {(byte) 0x80};
    }
    byte[] b = value.toByteArray();
    int skip = b[0] == 0 ? 1 : 0;
    int length = b.length - skip;
    if (length == 1 && (b[skip] & 0xff) < 0x80) {
      return new byte[] {b[skip]};
    }
    byte[] header = header(0x80, length);
    byte[] out = new byte[header.length + length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(b, skip, out, header.length, length);
    return out;
  }

  private static byte[] header(int base, int length) {
    if (length < 56) {
      return new byte[] {(byte) (base + length)};
    }
    int n = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
    byte[] h = new byte[1 + n];
    h[0] = (byte) (base + 55 + n);
    for (int i = 0; i < n; i++) {
      h[n - i] = (byte) (length >>> (8 * i));
    }
    return h;
  }

  /** The item at {@code at}, which must end by {@code limit} (else {@code overrun}). */
  private static Item at(byte[] data, int at, int limit, String overrun)
      throws InvalidTransactionException {
    int first = data[at] & 0xff;
    if (first < 0x80) {
      return new Item(at, at, at + 1, false);
    }
    boolean list = first >= 0xc0;
    int shortMax = (list ? 0xc0 : 0x80) + 55;
    long length;
    int header;
    if (first <= shortMax) {
      length = first - (list ? 0xc0 : 0x80);
      header = 1;
    } else {
      int n = first - shortMax;
      if (n > 4 || at + 1 + n > limit) {
        throw notDecodable(overrun);
      }
      if (data[at + 1] == 0) {
        throw notDecodable("transaction is not valid RLP: a size has leading zero bytes");
      }
      length = 0;
      for (int i = 0; i < n; i++) {
        length = (length << 8) | (data[at + 1 + i] & 0xff);
      }
      if (length < 56) {
        throw notDecodable("transaction is not valid RLP: a size below 56 in the long form");
      }
      header = 1 + n;
    }
    long end = at + header + length;
    if (end > limit) {
      throw notDecodable(overrun);
    }
    if (!list && length == 1 && (data[at + 1] & 0xff) < 0x80) {
      throw notDecodable("transaction is not valid RLP: a byte below 0x80 has a string header");
    }
    return new Item(at, at + header, (int) end, list);
  }

  private static InvalidTransactionException notDecodable(String message) {
    return new InvalidTransactionException(Reason.NOT_DECODABLE, message);
  }
}
