package dev.rpcshield.jsonrpc;

import java.util.HexFormat;

/**
 * JSON-RPC quantities: the hex numbers ({@code 0x1b4}) block numbers and indexes are written in.
 */
public final class Quantity {
  private Quantity() {}

  /**
   * A hex quantity below 2^63, or -1 for anything else: tags such as latest, pending, safe,
   * finalized, earliest, and text that is no quantity (a sign, a non-ASCII digit, too many digits).
   */
  public static long parse(String text) {
    int digits = text.length() - 2;
    if (!text.startsWith("0x") || digits < 1 || digits > 16) {
      return -1;
    }
    for (int i = 2; i < text.length(); i++) {
      if (!HexFormat.isHexDigit(text.charAt(i))) {
        return -1;
      }
    }
    long n = HexFormat.fromHexDigitsToLong(text, 2, text.length());
    return n < 0 ? -1 : n;
  }

  /**
   * A block number as nodes read one: {@code 0x} or {@code 0X}, then hex digits, leading zeros
   * allowed, below 2^64. One of 2^63 or more, beyond any chain's head, is {@link Long#MAX_VALUE};
   * anything else (a tag, a sign, 2^64 or more) is -1.
   */
  public static long blockNumber(String text) {
    if (text.length() < 3
        || text.charAt(0) != '0'
        || (text.charAt(1) != 'x' && text.charAt(1) != 'X')) {
      return -1;
    }
    int start = 2;
    while (start < text.length() - 1 && text.charAt(start) == '0') {
      start++;
    }
    if (text.length() - start > 16) {
      return -1;
    }
    for (int i = start; i < text.length(); i++) {
      if (!HexFormat.isHexDigit(text.charAt(i))) {
        return -1;
      }
    }
    long n = HexFormat.fromHexDigitsToLong(text, start, text.length());
    return n < 0 ? Long.MAX_VALUE : n;
  }
}
