package dev.rpcshield.upstream;

import java.time.Clock;

/**
 * A local token bucket capping the requests per second sent to one upstream; a request that finds
 * it empty skips this upstream instead of queueing.
 */
final class RateCap {
  private final Clock clock;
  private final double ratePerMilli;
  private final double capacity;
  private double tokens;
  private long lastMillis;

  /**
   * @param perSecond the cap; the bucket holds one second's worth
   */
  RateCap(Clock clock, double perSecond) {
    this.clock = clock;
    this.ratePerMilli = perSecond / 1000.0;
    this.capacity = Math.max(1.0, perSecond);
    this.tokens = capacity;
    this.lastMillis = clock.millis();
  }

  synchronized boolean tryAcquire() {
    long now = clock.millis();
    if (now > lastMillis) {
      tokens = Math.min(capacity, tokens + (now - lastMillis) * ratePerMilli);
      lastMillis = now;
    }
    if (tokens >= 1.0) {
      tokens -= 1.0;
      return true;
    }
    return false;
  }
}
