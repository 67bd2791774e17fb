package dev.rpcshield.upstream;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One upstream's health, the one record its attempts and its head watcher feed: its breaker, its
 * silence, its latency, the chain it was seen on and its head. Every request reads and writes it,
 * so it is lock-free: counters are atomics, and what must change together is one immutable value
 * swapped whole.
 */
public final class UpstreamHealth {
  private final CircuitBreaker breaker;
  private final UpstreamHead head = new UpstreamHead();
  private final Clock clock;
  private final long chainId;
  private volatile long seenChainId = -1;
  private volatile Runnable chainTurned = () -> {};
  private volatile Runnable chainDoubted = () -> {};
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong hedges = new AtomicLong();
  private final AtomicReference<Latency> latency = new AtomicReference<>(Latency.NONE);
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong unanswered = new AtomicLong();

  /** When the current wait began, or the last answer came if later (see {@link #silentFor}). */
  private volatile long waitSince;

  /**
   * The latency of its successful answers, smoothed three ways, all 0 before the first.
   *
   * @param mean weight 10 %: what it is like now
   * @param deviation weight 25 %: how much answers stray from the mean
   * @param baseline weight 1 %: what it is usually like, over the last few hundred answers, which
   *     the few answers a slowdown lets through before it is taken out barely move
   */
  private record Latency(double mean, double deviation, double baseline) {
    static final Latency NONE = new Latency(0, 0, 0);

    Latency next(long millis) {
      return new Latency(
          mean == 0 ? millis : mean * 0.9 + millis * 0.1,
          mean == 0 ? millis / 2.0 : deviation * 0.75 + Math.abs(millis - mean) * 0.25,
          baseline == 0 ? millis : baseline * 0.99 + millis * 0.01);
    }
  }

  /**
   * @param chainId the chain it must be on before it takes traffic; 0 for a network without one
   */
  public UpstreamHealth(CircuitBreaker breaker, Clock clock, long chainId) {
    this.breaker = breaker;
    this.clock = clock;
    this.chainId = chainId;
    if (chainId != 0) {
      breaker.requireChain();
    }
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  /** Its chain head as last observed. */
  public UpstreamHead head() {
    return head;
  }

  /** The chain id its network expects, 0 when the network names none. */
  public long chainId() {
    return chainId;
  }

  /** The chain id its eth_chainId last answered, -1 before any answer. */
  public long seenChainId() {
    return seenChainId;
  }

  /**
   * Told when it is found on another chain after it had been seen on its network's: what it
   * answered since may be that other chain's.
   */
  void onChainTurned(Runnable listener) {
    this.chainTurned = listener;
  }

  /**
   * Told when a broken connection has taken it out until its chain is seen again: its chain should
   * be asked at once, so it is back within a round trip when it is still on its network's.
   */
  void onChainDoubted(Runnable listener) {
    this.chainDoubted = listener;
  }

  /**
   * Records the chain id its eth_chainId answered and whether that is its network's; an upstream on
   * another chain leaves rotation until a later answer is right, and the heads recorded for it are
   * forgotten, as they may be that other chain's.
   */
  void chainSeen(long seen) {
    seenChainId = seen;
    if (chainId == 0) {
      return;
    }
    boolean right = seen == chainId;
    if (!right) {
      head.forget();
    }
    if (breaker.chainSeen(
        right,
        right ? "on chain " + seen : "on chain " + seen + " but its network is chain " + chainId)) {
      chainTurned.run();
    }
  }

  /**
   * A connection to it was refused or broke: it may come back as a new process (a restart, a URL
   * now pointing elsewhere), so on a network with a chain id it serves again only once its chain
   * has been seen; its chain is asked at once (see {@link #onChainDoubted}), and by every head
   * poll. A wait the gateway itself interrupted says nothing about the upstream and changes
   * nothing.
   */
  public void connectionFailed(UpstreamFailure failure) {
    if (chainId != 0
        && !failure.interrupted()
        && (failure.kind() == UpstreamFailure.Kind.CONNECT
            || failure.kind() == UpstreamFailure.Kind.IO)
        && breaker.chainInDoubt(
            "connection failed (" + failure.reason() + "), chain to be seen again")) {
      chainDoubted.run();
    }
  }

  /** Its head went back without its chain shown: it serves again once its chain has been seen. */
  void headWentBack(long from, long to) {
    if (chainId != 0) {
      breaker.chainInDoubt(
          "head went back from " + from + " to " + to + ", chain to be seen again");
    }
  }

  /** One attempt on it ended after {@code millis}; only an answer that served moves its latency. */
  public void recordAttempt(long millis, boolean failed) {
    requests.incrementAndGet();
    if (failed) {
      failures.incrementAndGet();
    } else {
      latency.updateAndGet(l -> l.next(millis));
    }
  }

  public void hedged() {
    hedges.incrementAndGet();
  }

  /** A request to it is now waiting for an answer; paired with {@link #stoppedWaiting}. */
  public void startedWaiting() {
    if (waiting.getAndIncrement() == 0) {
      waitSince = clock.millis();
    }
  }

  /** A request stopped waiting; {@code answered} when the upstream did answer (any answer). */
  public void stoppedWaiting(boolean answered) {
    long now = clock.millis();
    if (answered) {
      answered(now);
    }
    if (waiting.decrementAndGet() == 0 && !answered) {
      unanswered.addAndGet(now - waitSince);
    }
  }

  /** It answered something (a head poll, a probe): it is not stalled. */
  void answered() {
    answered(clock.millis());
  }

  /**
   * Ends any silence. Called on every answer, so it writes the shared fields only when they change
   * (at most once a millisecond under load), not once per request.
   */
  private void answered(long now) {
    if (unanswered.get() != 0) {
      unanswered.set(0);
    }
    if (waitSince != now) {
      waitSince = now;
    }
  }

  /**
   * How long requests have waited on it since it last answered anything: the time since its last
   * answer during which at least one request was waiting. Requests that wait one after another
   * (each given up on when a hedge answers first) add up, so a stall shows however it is sent to.
   * Lock-free, so concurrent updates may make it a millisecond or two off; a stall is seconds.
   */
  public Duration silentFor() {
    long open = waiting.get() > 0 ? clock.millis() - waitSince : 0;
    return Duration.ofMillis(Math.max(0, unanswered.get() + open));
  }

  /**
   * Whether it has stalled: it has answered before, and requests have now waited on it without any
   * answer for {@code after}, or four times its usual latency if that is longer (an upstream that
   * is merely slow at everything is not stalled).
   */
  boolean stalled(Duration after) {
    double usual = latency.get().mean();
    if (usual == 0) {
      return false;
    }
    long threshold = Math.max(after.toMillis(), Math.round(4 * usual));
    return silentFor().toMillis() >= threshold;
  }

  /**
   * How long to wait for its answer before also asking another upstream: its smoothed latency plus
   * four deviations (as TCP's retransmission timer), within the given bounds.
   */
  public Duration hedgeDelay(Duration min, Duration max) {
    Latency l = latency.get();
    long millis = Math.round(l.mean() + 4 * l.deviation());
    return Duration.ofMillis(Math.clamp(millis, min.toMillis(), max.toMillis()));
  }

  /**
   * Whether an answer that took {@code millis} came about as fast as its answers usually do: within
   * four times its baseline latency (as a stall is four times its usual silence), and never faster
   * than {@code floor} needs to be. Without a latency seen yet, any answer does.
   */
  boolean usualSpeed(long millis, Duration floor) {
    double base = latency.get().baseline();
    return base == 0 || millis <= Math.max(floor.toMillis(), Math.round(4 * base));
  }

  /** Its latency over the last few hundred answers, in milliseconds (0 before any). */
  double baselineMillis() {
    return latency.get().baseline();
  }

  /** Exponentially weighted latency of successful answers, in milliseconds. */
  public double latencyMillis() {
    return latency.get().mean();
  }

  /** Requests sent, including failed ones. */
  public long requests() {
    return requests.get();
  }

  public long failures() {
    return failures.get();
  }

  /** Extra attempts sent to it because another upstream was slow to answer. */
  public long hedges() {
    return hedges.get();
  }
}
