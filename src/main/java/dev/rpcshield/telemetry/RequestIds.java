package dev.rpcshield.telemetry;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Ids that tie a log line to one request: this instance's random prefix and a counter. */
public final class RequestIds {
  private static final String PREFIX =
      HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + "-";
  private static final AtomicLong NEXT = new AtomicLong();

  private RequestIds() {}

  public static String next() {
    return PREFIX + Long.toString(NEXT.incrementAndGet(), 36);
  }
}
