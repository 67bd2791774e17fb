package dev.rpcshield.upstream;

import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.UpstreamReply;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends one upstream request (a single call or a minibatch) through a group: upstreams in the
 * group's order, skipping those out of rotation or at their caps, retrying transient failures with
 * jittered exponential backoff, failing over on provider faults, all inside the client's deadline.
 * A request that is not a transaction submission is hedged: when the upstream it waits on has not
 * answered within that upstream's hedge delay, the same request also goes to the next upstream, and
 * the first answer wins (see {@link UpstreamsConfig.Hedging}).
 */
public final class Forwarder {

  /** Pauses between attempts; tests pass one that does not sleep. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /**
   * What to send.
   *
   * @param payload the request object, or an array of them, carrying the gateway ids
   * @param ids the gateway ids in the payload, in order
   * @param batch whether the payload is an array
   * @param submitsTransaction whether it carries eth_sendRawTransaction, which is never sent twice
   *     to one upstream and goes elsewhere only when it cannot have arrived
   */
  public record Exchange(byte[] payload, long[] ids, boolean batch, boolean submitsTransaction) {}

  /** The result of sending an exchange. */
  public sealed interface Outcome permits Answered, Failed {}

  /** An answer to every id, from the named upstream. */
  public record Answered(String upstream, UpstreamReply reply, Map<Long, UpstreamReply.Answer> byId)
      implements Outcome {}

  /** No upstream produced an answer; the error is what each call in the exchange gets. */
  public record Failed(RpcError error) implements Outcome {}

  private record Attempt(Answered answered, UpstreamFailure failure) {}

  /** What an attempt abandoned because another hedge answered first gives back; nobody reads it. */
  private static final Attempt CANCELLED = new Attempt(null, null);

  private static final Failed CANCELLED_OUTCOME =
      new Failed(RpcError.of(RpcErrorCode.NO_UPSTREAM, "cancelled: another upstream answered"));

  /** One hedge costs this many credits; every hedgeable request earns the budget percent. */
  private static final long HEDGE_COST = 100;

  private static final long MAX_CREDITS = 10 * HEDGE_COST;

  private static final AtomicBoolean NEVER_CANCELLED = new AtomicBoolean();

  private final UpstreamTransport transport;
  private final ErrorClassifier classifier;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration backoffBase;
  private final Duration backoffMax;
  private final UpstreamsConfig.Hedging hedging;
  private final AtomicLong hedgeCredits = new AtomicLong(MAX_CREDITS);

  /**
   * @param backoffBase first retry pause before jitter (default 50 ms)
   * @param backoffMax longest retry pause (default 1 s)
   */
  public Forwarder(
      UpstreamTransport transport,
      ErrorClassifier classifier,
      Clock clock,
      Sleeper sleeper,
      Duration backoffBase,
      Duration backoffMax,
      UpstreamsConfig.Hedging hedging) {
    this.transport = transport;
    this.classifier = classifier;
    this.clock = clock;
    this.sleeper = sleeper;
    this.backoffBase = backoffBase;
    this.backoffMax = backoffMax;
    this.hedging = hedging;
  }

  /** Sends through a group in the group's own order. */
  public Outcome send(UpstreamGroup group, Exchange exchange, Deadline deadline, String clientIp) {
    return send(group.order(), exchange, deadline, clientIp);
  }

  /** Sends trying upstreams in the given order, hedged unless it submits a transaction. */
  public Outcome send(List<Upstream> order, Exchange exchange, Deadline deadline, String clientIp) {
    if (exchange.submitsTransaction() || hedging.maxExtra() == 0 || order.size() < 2) {
      return sendInOrder(order, exchange, deadline, clientIp, NEVER_CANCELLED);
    }
    if (hedgeCredits.get() < MAX_CREDITS) {
      hedgeCredits.getAndUpdate(c -> Math.min(MAX_CREDITS, c + hedging.budgetPercent()));
    }
    return hedged(order, exchange, deadline, clientIp);
  }

  /**
   * Races attempts: the first starts at once in the given order; each further one, started when
   * none has answered within the hedge delay of the upstream the latest one began with, starts one
   * upstream further along (and fails over through the rest, round the list). The first answer wins
   * and the others are cancelled; when all fail, the last failure is the outcome. A hedge spends
   * the budget, except when the upstream waited on has answered nothing at all for longer than the
   * delay: then it has stalled, and the hedge only moves its share of the load elsewhere.
   */
  private Outcome hedged(List<Upstream> order, Exchange exchange, Deadline deadline, String ip) {
    BlockingQueue<Outcome> finished = new LinkedBlockingQueue<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    List<Thread> racers = new ArrayList<>();
    int limit = Math.min(order.size(), 1 + hedging.maxExtra());
    int failed = 0;
    Outcome last = CANCELLED_OUTCOME;
    try {
      racers.add(race(order, 0, exchange, deadline, ip, cancelled, finished));
      while (failed < racers.size()) {
        Outcome done;
        if (racers.size() < limit && !deadline.expired()) {
          Upstream waitedOn = order.get(racers.size() - 1);
          Duration delay = waitedOn.hedgeDelay(hedging.minDelay(), hedging.maxDelay());
          done =
              finished.poll(
                  Math.min(delay.toMillis(), deadline.remaining().toMillis()),
                  TimeUnit.MILLISECONDS);
          if (done == null) {
            if (waitedOn.silentFor().compareTo(delay) >= 0 || spendHedgeCredit()) {
              order.get(racers.size()).hedged();
              racers.add(race(order, racers.size(), exchange, deadline, ip, cancelled, finished));
            }
            continue;
          }
        } else {
          done = finished.take();
        }
        if (done instanceof Answered) {
          return done;
        }
        last = done;
        failed++;
      }
      return last;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return last;
    } finally {
      cancelled.set(true);
      racers.forEach(Thread::interrupt);
    }
  }

  /** Starts one racer of {@link #hedged}: the order rotated to begin at {@code first}. */
  private Thread race(
      List<Upstream> order,
      int first,
      Exchange exchange,
      Deadline deadline,
      String ip,
      AtomicBoolean cancelled,
      BlockingQueue<Outcome> finished) {
    List<Upstream> rotated = new ArrayList<>(order.size());
    rotated.addAll(order.subList(first, order.size()));
    rotated.addAll(order.subList(0, first));
    return Thread.ofVirtual()
        .start(() -> finished.add(sendInOrder(rotated, exchange, deadline, ip, cancelled)));
  }

  private boolean spendHedgeCredit() {
    long before = hedgeCredits.getAndUpdate(c -> c >= HEDGE_COST ? c - HEDGE_COST : c);
    return before >= HEDGE_COST;
  }

  /** Tries upstreams one after another in the given order. */
  private Outcome sendInOrder(
      List<Upstream> order,
      Exchange exchange,
      Deadline deadline,
      String clientIp,
      AtomicBoolean cancelled) {
    Tally tally = new Tally();
    for (Upstream upstream : order) {
      if (cancelled.get()) {
        return CANCELLED_OUTCOME;
      }
      if (!upstream.breaker().inRotation()) {
        tally.reasons.add(upstream.name() + ": out of service");
        continue;
      }
      if (deadline.expired()) {
        break;
      }
      if (!upstream.tryAcquire()) {
        tally.reasons.add(upstream.name() + ": at capacity");
        continue;
      }
      Outcome done;
      try {
        done = sendTo(upstream, exchange, deadline, clientIp, tally, cancelled);
      } finally {
        upstream.release();
      }
      if (done != null) {
        return done;
      }
    }
    if (tally.providerErrorAnswer != null) {
      return tally.providerErrorAnswer;
    }
    String detail = tally.reasons.isEmpty() ? "deadline passed" : String.join("; ", tally.reasons);
    if (deadline.expired() || (tally.attempts > 0 && tally.timeouts == tally.attempts)) {
      return new Failed(RpcError.of(RpcErrorCode.UPSTREAM_TIMEOUT, detail));
    }
    return new Failed(RpcError.of(RpcErrorCode.NO_UPSTREAM, detail));
  }

  /** What the upstreams tried so far did: the reasons they failed, attempts and timeouts. */
  private static final class Tally {
    final List<String> reasons = new ArrayList<>();
    Answered providerErrorAnswer;
    int attempts;
    int timeouts;
  }

  /**
   * Tries one upstream, with retries of transient failures; the outcome that ends the exchange, or
   * null to move on to the next upstream (the failure is added to the tally).
   */
  private Outcome sendTo(
      Upstream upstream,
      Exchange exchange,
      Deadline deadline,
      String clientIp,
      Tally tally,
      AtomicBoolean cancelled) {
    UpstreamFailure failure = null;
    int allowed = exchange.submitsTransaction() ? 1 : 1 + upstream.settings().retries();
    for (int n = 0; n < allowed; n++) {
      if (n > 0 && (!pause(n, deadline) || !upstream.breaker().inRotation())) {
        break;
      }
      Duration timeout = min(upstream.settings().timeout(), deadline.remaining());
      if (timeout.isZero()) {
        break;
      }
      tally.attempts++;
      Attempt attempt = attempt(upstream, exchange, timeout, clientIp, cancelled);
      if (attempt == CANCELLED) {
        return CANCELLED_OUTCOME;
      }
      if (attempt.answered() != null && attempt.failure() == null) {
        upstream.breaker().onSuccess();
        return attempt.answered();
      }
      failure = attempt.failure();
      if (attempt.answered() != null) {
        tally.providerErrorAnswer = attempt.answered();
      }
      if (failure.kind() == Kind.TIMEOUT) {
        tally.timeouts++;
      }
      if (failure.kind() == Kind.TOO_LARGE) {
        return new Failed(RpcError.of(RpcErrorCode.RESPONSE_TOO_LARGE, upstream.name()));
      }
      if (failure.kind() != Kind.PROVIDER_ERROR) {
        upstream.breaker().onFailure(failure.reason());
      }
      if (exchange.submitsTransaction() && !failure.safeToResubmit()) {
        return notResent(upstream, failure);
      }
      // A broken connection leaves it out until its chain, asked at once, is seen again: the
      // retry waits out its pause for that (a stale kept-alive connection is the usual cause).
      if (!failure.transientOnSameUpstream()
          || !(upstream.breaker().inRotation() || upstream.breaker().awaitingChain())) {
        break;
      }
    }
    if (failure != null) {
      tally.reasons.add(upstream.name() + ": " + failure.reason());
    }
    return null;
  }

  /** A submission that may have reached the upstream is never sent elsewhere. */
  private static Failed notResent(Upstream upstream, UpstreamFailure failure) {
    String why =
        upstream.name()
            + ": "
            + failure.reason()
            + " (the transaction may have reached it, so it was not sent elsewhere)";
    return new Failed(
        failure.kind() == Kind.TIMEOUT
            ? RpcError.of(RpcErrorCode.UPSTREAM_TIMEOUT, why)
            : RpcError.of(RpcErrorCode.NO_UPSTREAM, why));
  }

  /**
   * One exchange with one upstream. An exchange cancelled because another hedge answered first is
   * not the upstream's failure: it counts for nothing.
   */
  private Attempt attempt(
      Upstream upstream,
      Exchange exchange,
      Duration timeout,
      String clientIp,
      AtomicBoolean cancelled) {
    long started = clock.millis();
    byte[] body;
    upstream.startedWaiting();
    try {
      body =
          transport.exchange(
              upstream, exchange.payload(), timeout, clientIp, exchange.submitsTransaction());
    } catch (UpstreamException e) {
      Kind kind = e.failure().kind();
      upstream.stoppedWaiting(kind == Kind.HTTP_STATUS || kind == Kind.TOO_LARGE);
      if (cancelled.get()) {
        return CANCELLED;
      }
      upstream.connectionFailed(e.failure());
      upstream.recordAttempt(clock.millis() - started, true);
      return new Attempt(null, e.failure());
    }
    upstream.stoppedWaiting(true);
    Attempt checked = check(upstream.name(), exchange, body);
    upstream.recordAttempt(clock.millis() - started, checked.failure() != null);
    return checked;
  }

  /** Decides whether a body answers the exchange, and whose fault an error answer is. */
  Attempt check(String upstream, Exchange exchange, byte[] body) {
    UpstreamReply reply;
    try {
      reply = UpstreamReply.read(body);
    } catch (IOException e) {
      return failed(Kind.BAD_BODY, body.length == 0 ? "empty answer" : "answer is not JSON-RPC");
    }
    List<UpstreamReply.Answer> answers = reply.answers();
    if (!exchange.batch()) {
      if (reply.isArray() || answers.size() != 1) {
        return failed(Kind.BAD_BODY, "array answer to a single request");
      }
      UpstreamReply.Answer a = answers.get(0);
      boolean idMatches = a.id() != null && a.id() == exchange.ids()[0];
      if (!idMatches && !(a.id() == null && a.isError())) {
        return failed(Kind.BAD_BODY, "answer id does not match");
      }
      Answered answered = new Answered(upstream, reply, Map.of(exchange.ids()[0], a));
      if (a.isError() && classifier.isProviderFault(a.errorCode(), a.errorMessage())) {
        return new Attempt(answered, providerFault(a));
      }
      return new Attempt(answered, null);
    }
    if (!reply.isArray()) {
      UpstreamReply.Answer only = answers.get(0);
      return only.isError()
          ? failed(Kind.PROVIDER_ERROR, "batch answered with one error: " + describe(only))
          : failed(Kind.BAD_BODY, "single answer to a batch");
    }
    Map<Long, UpstreamReply.Answer> byId = new HashMap<>(answers.size() * 2);
    for (UpstreamReply.Answer a : answers) {
      if (a.id() == null || byId.put(a.id(), a) != null) {
        return failed(Kind.BAD_BODY, "batch answer ids do not match");
      }
    }
    if (byId.size() != exchange.ids().length) {
      return failed(Kind.BAD_BODY, "batch answer ids do not match");
    }
    for (long id : exchange.ids()) {
      if (!byId.containsKey(id)) {
        return failed(Kind.BAD_BODY, "batch answer ids do not match");
      }
    }
    Answered answered = new Answered(upstream, reply, byId);
    for (UpstreamReply.Answer a : answers) {
      if (a.isError() && classifier.isProviderFault(a.errorCode(), a.errorMessage())) {
        return new Attempt(answered, providerFault(a));
      }
    }
    return new Attempt(answered, null);
  }

  private static UpstreamFailure providerFault(UpstreamReply.Answer a) {
    return new UpstreamFailure(Kind.PROVIDER_ERROR, describe(a));
  }

  private static String describe(UpstreamReply.Answer a) {
    String message = a.errorMessage() == null ? "" : a.errorMessage();
    if (message.length() > 80) {
      message = message.substring(0, 80);
    }
    return "error " + a.errorCode() + " " + message;
  }

  private static Attempt failed(Kind kind, String reason) {
    return new Attempt(null, new UpstreamFailure(kind, reason));
  }

  /** Sleeps before retry {@code n}; false when the pause would not fit the deadline. */
  private boolean pause(int n, Deadline deadline) {
    long base = backoffBase.toMillis() << Math.min(n - 1, 16);
    long capped = Math.min(base, backoffMax.toMillis());
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    Duration pause = Duration.ofMillis(jittered);
    if (pause.compareTo(deadline.remaining()) >= 0) {
      return false;
    }
    try {
      sleeper.sleep(pause);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
