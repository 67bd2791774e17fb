package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/**
 * The head poll against a scripted upstream: what it records, and its wait counted toward the
 * upstream's silence.
 */
class HeadPollerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T00:00:00Z"));
  private final HeadTracker tracker = new HeadTracker(clock, 5, 2, 2, Duration.ofSeconds(60));

  /** Scripted answers: a body, a failure kind, or a wait that ends in a timeout. */
  private final Deque<Object> script = new ArrayDeque<>();

  private final UpstreamTransport transport =
      (upstream, payload, timeout, clientIp, submission) -> {
        Object next = script.poll();
        if (next instanceof Duration wait) {
          clock.advance(wait);
          throw new UpstreamException(Kind.TIMEOUT, "timed out");
        }
        if (next instanceof Kind k) {
          throw new UpstreamException(k, k.name().toLowerCase());
        }
        return ((String) next).getBytes(StandardCharsets.UTF_8);
      };

  private final HeadPoller poller = new HeadPoller(transport, tracker, clock);

  private Upstream upstream(long chainId) {
    return new Upstream(
        UpstreamSettings.of("u", URI.create("http://127.0.0.1:1")),
        new CircuitBreaker(clock, 3, Duration.ofSeconds(10)),
        clock,
        chainId);
  }

  private static String answer(long head, long chain) {
    String heads =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x"
            + Long.toHexString(head)
            + "\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"number\":\"0x"
            + Long.toHexString(Math.max(0, head - 32))
            + "\"}},{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"number\":\"0x"
            + Long.toHexString(Math.max(0, head - 64))
            + "\"}}";
    return chain < 0
        ? "[" + heads + "]"
        : "["
            + heads
            + ",{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":\"0x"
            + Long.toHexString(chain)
            + "\"}]";
  }

  @Test
  void aPollThatWaitsOnAFrozenUpstreamCountsAsItsSilence() {
    Upstream u = upstream(0);
    u.recordAttempt(20, false);
    script.add(Duration.ofSeconds(2));
    poller.poll(u);
    assertEquals(Duration.ofSeconds(2), u.silentFor());
    assertTrue(u.stalled(Duration.ofMillis(1500)), "stalled with no request waiting on it");
    script.add(answer(100, -1));
    poller.poll(u);
    assertEquals(Duration.ZERO, u.silentFor(), "its answer ends the silence");
  }
}
