package dev.rpcshield.upstream.chain;

import dev.rpcshield.upstream.ErrorClassifier;
import dev.rpcshield.upstream.UpstreamTransport;
import dev.rpcshield.upstream.UpstreamsConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The real retry and attempt links over a transport of the test's own, for the links above. */
public final class Attempts {
  private Attempts() {}

  /**
   * One upstream's attempts: retries 10 ms apart (no jitter), the default error classes, every
   * integrity check on.
   */
  public static UpstreamCall retried(UpstreamTransport transport, Clock clock, Timer timer) {
    return new RetryLink(
        new AttemptLink(
            transport,
            new ErrorClassifier(Set.of(), List.of()),
            new UpstreamsConfig.Integrity(true, true, true),
            clock,
            (upstream, method, outcome, millis) -> {}),
        timer,
        Duration.ofMillis(10),
        Duration.ofMillis(10),
        n -> n);
  }
}
