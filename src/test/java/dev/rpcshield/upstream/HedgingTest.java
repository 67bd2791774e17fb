package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Hedged requests, on real time: "slow" holds every request until released or interrupted. */
class HedgingTest {
  private final Clock clock = Clock.systemUTC();
  private final Queue<String> calls = new ConcurrentLinkedQueue<>();
  private final CountDownLatch releaseSlow = new CountDownLatch(1);
  private final CountDownLatch slowInterrupted = new CountDownLatch(1);

  private final UpstreamTransport transport =
      (upstream, payload, timeout, clientIp, submission) -> {
        calls.add(upstream.name());
        if (upstream.name().equals("slow")) {
          try {
            releaseSlow.await();
          } catch (InterruptedException e) {
            slowInterrupted.countDown();
            throw new UpstreamException(Kind.IO, "interrupted");
          }
        }
        return "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"0x1\"}".getBytes(StandardCharsets.UTF_8);
      };

  private Forwarder forwarder(UpstreamsConfig.Hedging hedging) {
    return new Forwarder(
        transport,
        new ErrorClassifier(Set.of(), List.of()),
        clock,
        Thread::sleep,
        Duration.ofMillis(10),
        Duration.ofMillis(10),
        hedging);
  }

  private Upstream upstream(String name) {
    return new Upstream(
        new UpstreamSettings(
            name,
            URI.create("http://127.0.0.1:1"),
            Duration.ofSeconds(5),
            0,
            1,
            0,
            0,
            Map.of(),
            false,
            10),
        new CircuitBreaker(clock, 3, Duration.ofSeconds(10)),
        clock);
  }

  private Forwarder.Outcome send(Forwarder f, List<Upstream> order, boolean submission) {
    return f.send(
        order,
        new Forwarder.Exchange("{}".getBytes(), new long[] {7}, false, submission),
        Deadline.after(clock, Duration.ofSeconds(5)),
        null);
  }

  @Test
  void aSlowUpstreamIsOvertakenAndItsCancelledAttemptCountsAgainstNoOne() throws Exception {
    Upstream slow = upstream("slow");
    Upstream fast = upstream("fast");
    Forwarder f =
        forwarder(
            new UpstreamsConfig.Hedging(1, Duration.ofMillis(20), Duration.ofMillis(20), 100));
    long started = System.nanoTime();
    Forwarder.Answered a =
        assertInstanceOf(Forwarder.Answered.class, send(f, List.of(slow, fast), false));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals("fast", a.upstream());
    assertTrue(tookMillis < 2_000, "answered after " + tookMillis + " ms");
    assertTrue(slowInterrupted.await(2, TimeUnit.SECONDS), "the slow attempt was cancelled");
    assertEquals(1, fast.hedges());
    assertEquals(0, slow.failures(), "a cancelled attempt is not the upstream's failure");
    assertTrue(slow.breaker().inRotation());
  }

  @Test
  void aTransactionSubmissionIsNeverHedged() throws Exception {
    Upstream slow = upstream("slow");
    Upstream fast = upstream("fast");
    Forwarder f =
        forwarder(
            new UpstreamsConfig.Hedging(1, Duration.ofMillis(20), Duration.ofMillis(20), 100));
    Thread.ofVirtual()
        .start(() -> {
          try {
            Thread.sleep(300);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          releaseSlow.countDown();
        });
    Forwarder.Answered a =
        assertInstanceOf(Forwarder.Answered.class, send(f, List.of(slow, fast), true));
    assertEquals("slow", a.upstream());
    assertEquals(List.of("slow"), List.copyOf(calls));
    assertEquals(0, fast.hedges());
  }

  /** Spends the budget's initial ten hedges while "slow" keeps answering other requests. */
  private void spendTheBudget(Forwarder f, Upstream slow, Upstream fast) {
    for (int i = 0; i < 10; i++) {
      assertEquals(
          "fast",
          assertInstanceOf(Forwarder.Answered.class, send(f, List.of(slow, fast), false))
              .upstream());
    }
    assertEquals(10, fast.hedges());
    calls.clear();
  }

  /** Has "slow" answer something every 5 ms, as a busy upstream that is slow but not stalled. */
  private Thread answering(Upstream slow) {
    return Thread.ofVirtual()
        .start(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            slow.answered();
            try {
              Thread.sleep(5);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
  }

  private void releaseSlowAfter(long millis) {
    Thread.ofVirtual()
        .start(() -> {
          try {
            Thread.sleep(millis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          releaseSlow.countDown();
        });
  }

  @Test
  void anEmptyBudgetSendsNoHedgeToASlowUpstreamThatStillAnswers() {
    Upstream slow = upstream("slow");
    Upstream fast = upstream("fast");
    Forwarder f =
        forwarder(
            new UpstreamsConfig.Hedging(1, Duration.ofMillis(150), Duration.ofMillis(150), 0));
    Thread ticker = answering(slow);
    try {
      spendTheBudget(f, slow, fast);
      releaseSlowAfter(600);
      Forwarder.Answered a =
          assertInstanceOf(Forwarder.Answered.class, send(f, List.of(slow, fast), false));
      assertEquals("slow", a.upstream());
      assertEquals(List.of("slow"), List.copyOf(calls));
    } finally {
      ticker.interrupt();
    }
  }

  @Test
  void aStalledUpstreamIsHedgedAroundWithAnEmptyBudget() {
    Upstream slow = upstream("slow");
    Upstream fast = upstream("fast");
    Forwarder f =
        forwarder(new UpstreamsConfig.Hedging(1, Duration.ofMillis(20), Duration.ofMillis(20), 0));
    Thread ticker = answering(slow);
    spendTheBudget(f, slow, fast);
    ticker.interrupt();
    Forwarder.Answered a =
        assertInstanceOf(Forwarder.Answered.class, send(f, List.of(slow, fast), false));
    assertEquals("fast", a.upstream(), "a silent upstream is hedged around whatever the budget");
    assertEquals(11, fast.hedges());
  }
}
