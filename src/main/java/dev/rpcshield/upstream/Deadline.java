package dev.rpcshield.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The moment a client request must be answered by; every attempt and backoff fits inside it. */
public record Deadline(Clock clock, Instant at) {

  public static Deadline after(Clock clock, Duration budget) {
    return new Deadline(clock, clock.instant().plus(budget));
  }

  public Duration remaining() {
    Duration left = Duration.between(clock.instant(), at);
    return left.isNegative() ? Duration.ZERO : left;
  }

  public boolean expired() {
    return !clock.instant().isBefore(at);
  }
}
