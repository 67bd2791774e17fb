package dev.rpcshield.verify;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A strict reader of RLP, one level at a time: a list's items are read only when asked for, so
 * hostile nesting costs no stack. Every length is checked against the bytes there are, and only the
 * canonical encoding is read (a byte below 0x80 as itself, lengths in the short form when they fit
 * and without leading zeros), so an item has one encoding and hashing it is meaningful. It writes
 * that encoding too, for the tries and envelopes the gateway rebuilds.
 */
final class Rlp {
  private static final int SHORT_MAX = 55;

  private Rlp() {}

  /**
   * One item: a byte string or a list, with the bytes it was read from.
   *
   * @param list whether the item is a list
   * @param encoding the item's whole encoding, header included
   * @param content a string's bytes, or a list's payload (its items' encodings, one after another)
   */
  record Item(boolean list, byte[] encoding, byte[] content) {}

  /** The single item {@code data} encodes, nothing after it. */
  static Item item(byte[] data) throws ProofException {
    Item item = read(data, 0);
    if (item.encoding().length != data.length) {
      throw new ProofException("bytes after an RLP item");
    }
    return item;
  }

  /** The items of a list, each read one level. */
  static List<Item> items(Item list) throws ProofException {
    if (!list.list()) {
      throw new ProofException("an RLP string where a list belongs");
    }
    byte[] payload = list.content();
    List<Item> out = new ArrayList<>();
    for (int at = 0; at < payload.length; ) {
      Item item = read(payload, at);
      out.add(item);
      at += item.encoding().length;
    }
    return out;
  }

  /**
   * The big-endian bytes of {@code n} without leading zeros, as RLP holds an integer: none for 0.
   */
  static byte[] quantity(BigInteger n) {
    byte[] bytes = n.toByteArray();
    int zeros = 0;
    while (zeros < bytes.length && bytes[zeros] == 0) {
      zeros++;
    }
    return Arrays.copyOfRange(bytes, zeros, bytes.length);
  }

  /** The encoding of the byte string {@code bytes}. */
  static byte[] string(byte[] bytes) {
    if (bytes.length == 1 && (bytes[0] & 0xff) < 0x80) {
      return bytes.clone();
    }
    return withHeader(0x80, bytes);
  }

  /** The encoding of a list whose items are {@code encodings}, each already encoded. */
  static byte[] list(List<byte[]> encodings) {
    int length = 0;
    for (byte[] e : encodings) {
      length += e.length;
    }
    byte[] payload = new byte[length];
    int at = 0;
    for (byte[] e : encodings) {
      System.arraycopy(e, 0, payload, at, e.length);
      at += e.length;
    }
    return withHeader(0xc0, payload);
  }

  private static byte[] withHeader(int base, byte[] payload) {
    byte[] header;
    if (payload.length <= SHORT_MAX) {
      header = new byte[] {(byte) (base + payload.length)};
    } else {
      byte[] length = BigInteger.valueOf(payload.length).toByteArray();
      int skip = length[0] == 0 ? 1 : 0;
      header = new byte[1 + length.length - skip];
      header[0] = (byte) (base + SHORT_MAX + length.length - skip);
      System.arraycopy(length, skip, header, 1, length.length - skip);
    }
    byte[] out = Arrays.copyOf(header, header.length + payload.length);
    System.arraycopy(payload, 0, out, header.length, payload.length);
    return out;
  }

  private static Item read(byte[] data, int at) throws ProofException {
    if (at >= data.length) {
      throw new ProofException("empty RLP");
    }
    int b = data[at] & 0xff;
    if (b < 0x80) {
      byte[] one = {data[at]};
      return new Item(false, one, one);
    }
    boolean list = b >= 0xc0;
    int small = b - (list ? 0xc0 : 0x80);
    int header;
    long length;
    if (small <= SHORT_MAX) {
      header = 1;
      length = small;
      if (!list && length == 1 && at + 1 < data.length && (data[at + 1] & 0xff) < 0x80) {
        throw new ProofException("non-canonical RLP: a single byte with a header");
      }
    } else {
      header = 1 + small - SHORT_MAX;
      if (header > data.length - at) {
        throw new ProofException("RLP length cut short");
      }
      if (data[at + 1] == 0) {
        throw new ProofException("non-canonical RLP: a length with leading zeros");
      }
      length = 0;
      for (int i = at + 1; i < at + header; i++) {
        length = (length << 8) | (data[i] & 0xff);
        if (length > data.length) {
          throw new ProofException("RLP item longer than its bytes");
        }
      }
      if (length <= SHORT_MAX) {
        throw new ProofException("non-canonical RLP: a short length in the long form");
      }
    }
    if (length > data.length - at - header) {
      throw new ProofException("RLP item longer than its bytes");
    }
    int end = at + header + (int) length;
    return new Item(
        list, Arrays.copyOfRange(data, at, end), Arrays.copyOfRange(data, at + header, end));
  }
}
