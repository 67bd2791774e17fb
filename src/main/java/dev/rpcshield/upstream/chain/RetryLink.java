package dev.rpcshield.upstream.chain;

import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamFailure;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongUnaryOperator;

/**
 * Tries the route's first upstream again after a transient failure (a refused or broken connection,
 * a provider-fault HTTP status), up to its {@code retries}, after a jittered exponential pause on
 * the timer that fits the deadline. A transaction submission is tried once. A broken connection
 * leaves an upstream with a chain out until its chain, asked at once, is seen again: the retry
 * waits out its pause for that (a stale kept-alive connection is the usual cause).
 */
public final class RetryLink implements UpstreamCall {
  private final UpstreamCall next;
  private final Timer timer;
  private final Duration base;
  private final Duration max;
  private final LongUnaryOperator jitter;

  /**
   * @param base first pause before jitter (default 50 ms)
   * @param max longest pause (default 1 s)
   * @param jitter a random number in [0, n] for n
   */
  public RetryLink(
      UpstreamCall next, Timer timer, Duration base, Duration max, LongUnaryOperator jitter) {
    this.next = next;
    this.timer = timer;
    this.base = base;
    this.max = max;
    this.jitter = jitter;
  }

  @Override
  public CompletionStage<Outcome> call(Exchange exchange) {
    Upstream upstream = exchange.target();
    int allowed = exchange.route().submitsTransaction() ? 1 : 1 + upstream.settings().retries();
    return next.call(exchange).thenCompose(first -> again(exchange, first, 1, allowed));
  }

  private CompletionStage<Outcome> again(Exchange exchange, Outcome last, int n, int allowed) {
    Upstream upstream = exchange.target();
    UpstreamFailure failure = last.failure();
    if (failure == null
        || n >= allowed
        || failure.interrupted()
        || exchange.unwanted()
        || !failure.transientOnSameUpstream()
        || !(upstream.breaker().inRotation() || upstream.breaker().awaitingChain())) {
      return CompletableFuture.completedFuture(last);
    }
    Duration pause = pause(n);
    if (pause.compareTo(exchange.deadline().remaining()) >= 0) {
      return CompletableFuture.completedFuture(last);
    }
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    Runnable cancel =
        timer.schedule(
            pause,
            () -> {
              if (!upstream.breaker().inRotation()
                  || exchange.unwanted()
                  || exchange.deadline().expired()) {
                done.complete(last);
                return;
              }
              CompletionStage<Outcome> retried;
              try {
                retried = next.call(exchange).thenCompose(o -> again(exchange, o, n + 1, allowed));
              } catch (RuntimeException e) {
                retried = CompletableFuture.failedFuture(e);
              }
              retried.whenComplete((o, t) -> {
                if (t != null) {
                  done.completeExceptionally(t);
                } else {
                  done.complete(o);
                }
              });
            });
    // Abandoned during the pause (another hedge answered): give the upstream's slot back now.
    exchange
        .abandoned()
        .thenRun(() -> {
          cancel.run();
          done.complete(last);
        });
    return done;
  }

  /** The pause before retry {@code n}: base doubled per retry, capped, half of it jittered. */
  private Duration pause(int n) {
    long doubled = base.toMillis() << Math.min(n - 1, 16);
    long capped = Math.min(doubled, max.toMillis());
    return Duration.ofMillis(capped / 2 + jitter.applyAsLong(capped / 2));
  }
}
