package dev.rpcshield.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * API key format: {@code rpcs_} + 43 base62 characters of randomness (256 bits) + a 6-character
 * base62 CRC32 checksum, so a mistyped key is refused without a database lookup. Keys are stored
 * and looked up only by SHA-256 hash; only the first 12 characters are ever shown again.
 */
public final class ApiKeys {
  public static final String PREFIX = "rpcs_";
  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final int BODY = 43;
  private static final int CHECK = 6;
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  /** A new random key. */
  public static String generate() {
    StringBuilder body = new StringBuilder(BODY);
    for (int i = 0; i < BODY; i++) {
      body.append(BASE62.charAt(RANDOM.nextInt(62)));
    }
    return PREFIX + body + checksum(body.toString());
  }

  /**
   * A new key secret: 43 base62 characters (256 bits), stored only as its {@link #hash}, shown
   * once.
   */
  public static String generateSecret() {
    StringBuilder secret = new StringBuilder(BODY);
    for (int i = 0; i < BODY; i++) {
      secret.append(BASE62.charAt(RANDOM.nextInt(62)));
    }
    return secret.toString();
  }

  /** Whether the text has the key format and a matching checksum (no lookup involved). */
  public static boolean wellFormed(String key) {
    if (key == null || key.length() != PREFIX.length() + BODY + CHECK || !key.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < key.length(); i++) {
      if (BASE62.indexOf(key.charAt(i)) < 0) {
        return false;
      }
    }
    String body = key.substring(PREFIX.length(), PREFIX.length() + BODY);
    byte[] expected = checksum(body).getBytes(StandardCharsets.US_ASCII);
    byte[] given = key.substring(PREFIX.length() + BODY).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given);
  }

  /** Lowercase hex SHA-256 of the key (or a key's secret): what is stored and looked up. */
  public static String hash(String key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The part of a key that may be shown: enough to recognise it, not to use it. */
  public static String visiblePrefix(String key) {
    return key.substring(0, Math.min(12, key.length()));
  }

  private static String checksum(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    long v = crc.getValue();
    char[] out = new char[CHECK];
    for (int i = CHECK - 1; i >= 0; i--) {
      out[i] = BASE62.charAt((int) (v % 62));
      v /= 62;
    }
    return new String(out);
  }
}
