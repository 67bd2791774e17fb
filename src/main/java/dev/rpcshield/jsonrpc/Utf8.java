package dev.rpcshield.jsonrpc;

/**
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF, no truncated
 * sequence. The JSON parser decodes only the strings it reads and tolerates some of these, so a
 * body is checked whole before it is parsed: a node must never see bytes the gateway read
 * differently.
 */
public final class Utf8 {
  private Utf8() {}

  /** Whether {@code length} bytes of {@code b} are well-formed UTF-8. */
  public static boolean valid(byte[] b, int length) {
    int i = 0;
    while (i < length) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int need;
      int min;
      int max = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        min = 0x80;
      } else if (c == 0xe0) {
        need = 2;
        min = 0xa0;
      } else if (c == 0xed) {
        need = 2;
        min = 0x80;
        max = 0x9f;
      } else if (c >= 0xe1 && c <= 0xef) {
        need = 2;
        min = 0x80;
      } else if (c == 0xf0) {
        need = 3;
        min = 0x90;
      } else if (c >= 0xf1 && c <= 0xf3) {
        need = 3;
        min = 0x80;
      } else if (c == 0xf4) {
        need = 3;
        min = 0x80;
        max = 0x8f;
      } else {
        return false;
      }
      if (i + need >= length) {
        return false;
      }
      int second = b[i + 1] & 0xff;
      if (second < min || second > max) {
        return false;
      }
      for (int k = 2; k <= need; k++) {
        if ((b[i + k] & 0xc0) != 0x80) {
          return false;
        }
      }
      i += need + 1;
    }
    return true;
  }
}
