package dev.rpcshield.upstream.chain;

import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Races a request that is not a transaction submission: when the upstream it waits on has not
 * answered within that upstream's hedge delay (on the timer), the same request also goes to the
 * next upstream, failing over through the rest round the list, and the first answer wins; the
 * others are abandoned. When all fail, the last failure is the outcome. A hedge spends the budget
 * (every hedgeable request earns {@code budgetPercent} of one), except when the upstream waited on
 * has answered nothing at all for longer than the delay: then it has stalled, and the hedge only
 * moves its share of the load elsewhere. Each hedge started and each hedge whose answer won is told
 * to the {@link Meter}.
 */
public final class HedgeLink implements UpstreamCall {
  /** Told of hedges: see {@link dev.rpcshield.upstream.UpstreamMeter#hedged}. */
  public interface Meter {
    /** A hedge was sent to {@code upstream}. */
    void hedged(String upstream);

    /** A hedge's answer, given by {@code upstream}, was the one used. */
    void won(String upstream);

    Meter NONE =
        new Meter() {
          @Override
          public void hedged(String upstream) {}

          @Override
          public void won(String upstream) {}
        };
  }

  private static final long HEDGE_COST = 100;
  private static final long MAX_CREDITS = 10 * HEDGE_COST;

  private final UpstreamCall next;
  private final Timer timer;
  private final UpstreamsConfig.Hedging hedging;
  private final Meter meter;
  private final AtomicLong credits = new AtomicLong(MAX_CREDITS);

  public HedgeLink(UpstreamCall next, Timer timer, UpstreamsConfig.Hedging hedging, Meter meter) {
    this.next = next;
    this.timer = timer;
    this.hedging = hedging;
    this.meter = meter;
  }

  @Override
  public CompletionStage<Outcome> call(Exchange exchange) {
    List<Upstream> order = exchange.route().order();
    if (exchange.route().submitsTransaction() || hedging.maxExtra() == 0 || order.size() < 2) {
      return next.call(exchange);
    }
    if (credits.get() < MAX_CREDITS) {
      credits.getAndUpdate(c -> Math.min(MAX_CREDITS, c + hedging.budgetPercent()));
    }
    Race race = new Race(exchange, Math.min(order.size(), 1 + hedging.maxExtra()));
    exchange.abandoned().thenRun(race::abandonAll);
    race.start();
    return race.result;
  }

  private boolean spendCredit() {
    long before = credits.getAndUpdate(c -> c >= HEDGE_COST ? c - HEDGE_COST : c);
    return before >= HEDGE_COST;
  }

  /** One request's racers; its small critical sections hold no I/O. */
  private final class Race {
    final Exchange exchange;
    final int limit;
    final CompletableFuture<Outcome> result = new CompletableFuture<>();
    final List<CompletableFuture<Void>> tokens = new ArrayList<>();
    int failed;
    Outcome last;

    Race(Exchange exchange, int limit) {
      this.exchange = exchange;
      this.limit = limit;
    }

    void start() {
      CompletableFuture<Void> token = new CompletableFuture<>();
      int index;
      synchronized (this) {
        if (result.isDone()) {
          return;
        }
        index = tokens.size();
        tokens.add(token);
      }
      List<Upstream> order = exchange.route().order();
      if (index > 0) {
        Upstream hedgedTo = order.get(index);
        hedgedTo.health().hedged();
        meter.hedged(hedgedTo.name());
      }
      List<Upstream> rotated = new ArrayList<>(order.size());
      rotated.addAll(order.subList(index, order.size()));
      rotated.addAll(order.subList(0, index));
      CompletionStage<Outcome> racer;
      try {
        racer = next.call(exchange.racing(rotated, token));
      } catch (RuntimeException e) {
        racer = CompletableFuture.failedFuture(e);
      }
      racer.whenComplete((o, t) -> finished(index, o, t));
      if (index + 1 < limit) {
        watch(order.get(index), index + 1);
      }
    }

    /** After the hedge delay of the upstream waited on, hedges unless an answer came. */
    void watch(Upstream waitedOn, int nextIndex) {
      Duration delay = waitedOn.health().hedgeDelay(hedging.minDelay(), hedging.maxDelay());
      Duration remaining = exchange.deadline().remaining();
      timer.schedule(
          delay.compareTo(remaining) < 0 ? delay : remaining,
          () -> {
            if (result.isDone() || exchange.deadline().expired()) {
              return;
            }
            if (waitedOn.health().silentFor().compareTo(delay) >= 0 || spendCredit()) {
              start();
            } else {
              watch(waitedOn, nextIndex);
            }
          });
    }

    void finished(int index, Outcome o, Throwable t) {
      boolean won;
      synchronized (this) {
        if (result.isDone()) {
          return;
        }
        won = t == null && o.failure() == null;
        if (!won) {
          failed++;
          last = t == null ? o : last;
          if (failed < tokens.size()) {
            return;
          }
        }
      }
      if (won) {
        if (result.complete(o) && index > 0 && o.upstream() != null) {
          meter.won(o.upstream());
        }
      } else if (last != null) {
        result.complete(last);
      } else {
        result.completeExceptionally(t);
      }
      abandonAll();
    }

    void abandonAll() {
      List<CompletableFuture<Void>> all;
      synchronized (this) {
        all = List.copyOf(tokens);
      }
      all.forEach(token -> token.complete(null));
    }
  }
}
