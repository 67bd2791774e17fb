package dev.rpcshield.telemetry;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ids that tie a request's answer and log lines together: the one its client sent in {@code
 * X-Request-Id} when that can be quoted back safely, else this instance's random prefix and a
 * counter.
 */
public final class RequestIds {
  private static final String PREFIX =
      HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + "-";
  private static final AtomicLong NEXT = new AtomicLong();

  private RequestIds() {}

  public static String next() {
    return PREFIX + Long.toString(NEXT.incrementAndGet(), 36);
  }

  /** The most characters of a client's own id that are taken. */
  public static final int MAX_CLIENT_ID = 128;

  /**
   * {@code fromClient} when it is 1 to {@link #MAX_CLIENT_ID} visible ASCII characters without a
   * quote or backslash (so it goes into a header, a JSON string and a log line as it is), else a
   * new id.
   */
  public static String of(String fromClient) {
    return usable(fromClient) ? fromClient : next();
  }

  static boolean usable(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_CLIENT_ID) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }
}
