package dev.rpcshield.upstream;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A local token bucket capping the requests per second sent to one upstream; a request that finds
 * it empty skips this upstream instead of queueing. Lock-free, as every request asks it.
 */
final class RateCap {
  private final Clock clock;
  private final double ratePerMilli;
  private final double capacity;
  private final AtomicReference<Bucket> bucket;

  /** The tokens left as of {@code atMillis}. */
  private record Bucket(double tokens, long atMillis) {}

  /**
   * @param perSecond the cap; the bucket holds one second's worth
   */
  RateCap(Clock clock, double perSecond) {
    this.clock = clock;
    this.ratePerMilli = perSecond / 1000.0;
    this.capacity = Math.max(1.0, perSecond);
    this.bucket = new AtomicReference<>(new Bucket(capacity, clock.millis()));
  }

  /**
   * Takes a token if there is one, after refilling for the time since the bucket was last written;
   * a refusal writes nothing (the refill is the same when counted later).
   */
  boolean tryAcquire() {
    long now = clock.millis();
    while (true) {
      Bucket b = bucket.get();
      double tokens =
          now > b.atMillis
              ? Math.min(capacity, b.tokens + (now - b.atMillis) * ratePerMilli)
              : b.tokens;
      if (tokens < 1.0) {
        return false;
      }
      if (bucket.compareAndSet(b, new Bucket(tokens - 1.0, Math.max(now, b.atMillis)))) {
        return true;
      }
    }
  }
}
