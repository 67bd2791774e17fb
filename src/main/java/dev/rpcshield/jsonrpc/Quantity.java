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
}
