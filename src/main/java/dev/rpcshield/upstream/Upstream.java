package dev.rpcshield.upstream;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One upstream at run time: its settings, the caps that admit requests to it, and its health
 * ({@link UpstreamHealth}: breaker, silence, latency, chain, head). Shared by every request; all
 * state is thread-safe and lock-free.
 */
public final class Upstream {
  private volatile UpstreamSettings settings;
  private volatile RateCap rateCap;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean removed;
  private final Clock clock;
  private final UpstreamHealth health;
  private final LongAdder disagreements = new LongAdder();
  private final LongAdder transactionRefusals = new LongAdder();
  private final StateHistory state;
  private volatile Consumer<String> disagreementListener = method -> {};

  /** An upstream whose chain is not checked. */
  public Upstream(UpstreamSettings settings, CircuitBreaker breaker, Clock clock) {
    this(settings, breaker, clock, 0);
  }

  /**
   * @param chainId the chain it must be on before it takes traffic; 0 for a network without one
   */
  public Upstream(UpstreamSettings settings, CircuitBreaker breaker, Clock clock, long chainId) {
    this.settings = settings;
    this.clock = clock;
    this.health = new UpstreamHealth(breaker, clock, chainId);
    this.state = new StateHistory(clock);
    this.rateCap = settings.maxRps() > 0 ? new RateCap(clock, settings.maxRps()) : null;
  }

  /**
   * Takes new settings for the same URL (weight, caps, timeouts, retries, headers) while it keeps
   * its health and requests in flight; a new rate cap starts full.
   */
  void reconfigure(UpstreamSettings next) {
    if (!next.name().equals(settings.name()) || !next.url().equals(settings.url())) {
      throw new IllegalArgumentException("upstream " + settings.name() + " is another upstream");
    }
    if (next.maxRps() != settings.maxRps()) {
      rateCap = next.maxRps() > 0 ? new RateCap(clock, next.maxRps()) : null;
    }
    settings = next;
  }

  public String name() {
    return settings.name();
  }

  public UpstreamSettings settings() {
    return settings;
  }

  /** Its one health record, which its attempts and its head watcher feed. */
  public UpstreamHealth health() {
    return health;
  }

  /**
   * Takes a slot for one request if this upstream's caps allow it now; never waits. A successful
   * call must be paired with {@link #release()}.
   */
  public boolean tryAcquire() {
    if (removed) {
      return false;
    }
    int cap = settings.maxInFlight();
    if (inFlight.incrementAndGet() > cap && cap > 0) {
      inFlight.decrementAndGet();
      return false;
    }
    // Checked again after counting: a drain that marks it removed and then reads the count either
    // sees this request or this request sees the mark.
    if (removed) {
      inFlight.decrementAndGet();
      return false;
    }
    RateCap rate = rateCap;
    if (rate != null && !rate.tryAcquire()) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  public void release() {
    inFlight.decrementAndGet();
  }

  /** Requests in flight now, when a cap is set (else -1). */
  public int inFlight() {
    return settings.maxInFlight() > 0 ? inFlight.get() : -1;
  }

  /**
   * A reload took it out of its network: it takes no new request, even from a request that began
   * before the reload, so its pools can be closed once the requests in flight are done.
   */
  void remove() {
    removed = true;
  }

  /** Whether a reload took it out of its network. */
  public boolean removed() {
    return removed;
  }

  /** Requests in flight now, whether or not a cap is set. */
  int active() {
    return inFlight.get();
  }

  /**
   * Sends it one of the watcher's own calls (head poll, probe, chain check), whose wait counts
   * toward its silence as a request's does: a frozen upstream is seen however little traffic it
   * gets.
   */
  byte[] ask(UpstreamTransport transport, byte[] payload)
      throws UpstreamTransport.UpstreamException {
    health.startedWaiting();
    byte[] body;
    try {
      body = transport.exchange(this, payload, settings.timeout(), null, false);
    } catch (UpstreamTransport.UpstreamException e) {
      UpstreamFailure.Kind kind = e.failure().kind();
      health.stoppedWaiting(
          kind == UpstreamFailure.Kind.HTTP_STATUS || kind == UpstreamFailure.Kind.TOO_LARGE);
      throw e;
    }
    health.stoppedWaiting(true);
    return body;
  }

  // What follows reads or feeds its health under the names its callers have always used; each is
  // documented on UpstreamHealth.

  public CircuitBreaker breaker() {
    return health.breaker();
  }

  public UpstreamHead head() {
    return health.head();
  }

  public long chainId() {
    return health.chainId();
  }

  public long seenChainId() {
    return health.seenChainId();
  }

  void onChainTurned(Runnable listener) {
    health.onChainTurned(listener);
  }

  void onChainDoubted(Runnable listener) {
    health.onChainDoubted(listener);
  }

  void chainSeen(long seen) {
    health.chainSeen(seen);
  }

  void connectionFailed(UpstreamFailure failure) {
    health.connectionFailed(failure);
  }

  void headWentBack(long from, long to) {
    health.headWentBack(from, to);
  }

  void recordAttempt(long millis, boolean failed) {
    health.recordAttempt(millis, failed);
  }

  void hedged() {
    health.hedged();
  }

  void startedWaiting() {
    health.startedWaiting();
  }

  void stoppedWaiting(boolean answered) {
    health.stoppedWaiting(answered);
  }

  void answered() {
    health.answered();
  }

  Duration silentFor() {
    return health.silentFor();
  }

  boolean stalled(Duration after) {
    return health.stalled(after);
  }

  Duration hedgeDelay(Duration min, Duration max) {
    return health.hedgeDelay(min, max);
  }

  boolean usualSpeed(long millis, Duration floor) {
    return health.usualSpeed(millis, floor);
  }

  double baselineMillis() {
    return health.baselineMillis();
  }

  public long hedges() {
    return health.hedges();
  }

  public long requests() {
    return health.requests();
  }

  public long failures() {
    return health.failures();
  }

  public double latencyMillis() {
    return health.latencyMillis();
  }

  /**
   * Its answer to a call of {@code method} differed from the one its peers agreed on, failed an
   * integrity check, or gave a header or proof that did not verify.
   */
  public void disagreed(String method) {
    disagreements.increment();
    disagreementListener.accept(method);
  }

  /** It refused, or failed to take, a transaction that another upstream took (a broadcast). */
  public void refusedTransaction() {
    transactionRefusals.increment();
  }

  /** Broadcast transactions it did not take although another upstream did or might, since start. */
  public long transactionRefusals() {
    return transactionRefusals.sum();
  }

  /** Answers of its that differed from the agreed one or failed a check, since start. */
  public long disagreements() {
    return disagreements.sum();
  }

  /** Who is told of each disagreement, with its method (the metrics). */
  public void onDisagreement(Consumer<String> listener) {
    this.disagreementListener = listener;
  }

  /**
   * The lowest block whose state it serves now (its {@code state-blocks} below its head, or what a
   * pruned-state answer of its showed); 0 when it serves every block as far as anyone knows.
   */
  public long stateFrom() {
    UpstreamSettings s = settings;
    return state.from(head().latest(), s.stateBlocks(), s.stateRecheck());
  }

  /** Whether it serves the state of {@code block}; a call at no numbered block (-1) always. */
  public boolean keepsStateOf(long block) {
    return block < 0 || block >= stateFrom();
  }

  /** It answered a state call at {@code block} with a pruned-state error. */
  public void lackedState(long block) {
    state.lacked(block, head().latest(), settings.stateRecheck());
  }
}
