package dev.rpcshield.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.jsonrpc.Quantity;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.telemetry.Trace;
import dev.rpcshield.upstream.SentTransactions.End;
import dev.rpcshield.upstream.SentTransactions.Tracked;
import dev.rpcshield.upstream.chain.Exchange;
import dev.rpcshield.upstream.chain.Outcome;
import dev.rpcshield.upstream.chain.UpstreamCall;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Sends the transactions a network took again until they are included: on each new head, each one
 * still within its {@code rebroadcast-for} is looked for (its sender's mined nonce on the first
 * upstream in rotation, then its receipt there; and eth_getTransactionByHash on each, whose answer
 * names its block once it is in one); while it is neither included nor replaced it goes again to
 * every upstream of its group in rotation that does not have it (eth_getTransactionByHash answers
 * null), at most once per head per upstream. Rounds do not overlap: a head that comes while one
 * runs is served by the next.
 */
final class Rebroadcaster {
  private static final Logger LOG = Logger.getLogger(Rebroadcaster.class.getName());

  private final SentTransactions sent;
  private final AtomicLong ids;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile long lastHead = -1;

  Rebroadcaster(SentTransactions sent, AtomicLong ids, Clock clock) {
    this.sent = sent;
    this.ids = ids;
    this.clock = clock;
  }

  /**
   * A round for {@code head} unless one ran for it or runs now.
   *
   * @param order the upstreams of the transactions' group, in its order
   * @param single one attempt on a route's first upstream
   * @param timeout how long each of the round's calls may take
   */
  void onHead(long head, List<Upstream> order, UpstreamCall single, Duration timeout) {
    if (head <= lastHead || !running.compareAndSet(false, true)) {
      return;
    }
    lastHead = head;
    CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
    try {
      List<Upstream> live = order.stream().filter(u -> u.breaker().inRotation()).toList();
      List<Tracked> due = live.isEmpty() ? List.of() : sent.due();
      CompletableFuture<?>[] rounds = new CompletableFuture<?>[due.size()];
      for (int i = 0; i < due.size(); i++) {
        rounds[i] = round(due.get(i), head, live, single, timeout);
      }
      all = CompletableFuture.allOf(rounds);
    } catch (RuntimeException e) {
      // The head poll that called must go on whatever a round did.
      LOG.warning(() -> "a rebroadcast round failed: " + e);
    } finally {
      all.whenComplete((v, t) -> running.set(false));
    }
  }

  /** One transaction's round: found mined, or sent to the upstreams that lack it. */
  private CompletableFuture<Void> round(
      Tracked t, long head, List<Upstream> live, UpstreamCall single, Duration timeout) {
    Upstream first = live.get(0);
    return ask(
            single, first, "eth_getTransactionCount", "[\"" + t.sender + "\",\"latest\"]", timeout)
        .thenCompose(count -> {
          long mined = count != null && count.isTextual() ? Quantity.parse(count.asText()) : -1;
          if (mined >= 0 && BigInteger.valueOf(mined).compareTo(t.nonce) > 0) {
            return ask(single, first, "eth_getTransactionReceipt", "[\"" + t.hash + "\"]", timeout)
                .thenAccept(receipt -> {
                  // No answer to read (a failure) decides nothing: the next head asks again.
                  if (receipt != null) {
                    sent.end(t, receipt.isNull() ? End.REPLACED : End.INCLUDED);
                  }
                });
          }
          CompletableFuture<?>[] sends = new CompletableFuture<?>[live.size()];
          for (int i = 0; i < live.size(); i++) {
            sends[i] = resend(t, head, live.get(i), single, timeout);
          }
          return CompletableFuture.allOf(sends);
        })
        .exceptionally(e -> null);
  }

  private CompletableFuture<Void> resend(
      Tracked t, long head, Upstream u, UpstreamCall single, Duration timeout) {
    Long at = t.sentAt.get(u.name());
    if (at != null && at >= head) {
      return CompletableFuture.completedFuture(null);
    }
    return ask(single, u, "eth_getTransactionByHash", "[\"" + t.hash + "\"]", timeout)
        .thenCompose(found -> {
          if (found != null && found.hasNonNull("blockNumber")) {
            sent.end(t, End.INCLUDED);
          }
          if (found == null || !found.isNull() || t.ended.get()) {
            return CompletableFuture.completedFuture(null);
          }
          t.sentAt.put(u.name(), head);
          sent.rebroadcast();
          return send(single, u, t.raw, timeout)
              .thenAccept(result -> {
                if (result != null && result.isTextual()) {
                  t.takenBy.add(u.name());
                }
              });
        });
  }

  /** The result of {@code method} asked of {@code u} alone; null when there is none to read. */
  private CompletableFuture<JsonNode> ask(
      UpstreamCall single, Upstream u, String method, String params, Duration timeout) {
    return call(single, u, RpcCall.of(method, params), false, timeout);
  }

  private CompletableFuture<JsonNode> send(
      UpstreamCall single, Upstream u, String raw, Duration timeout) {
    return call(
        single, u, RpcCall.of("eth_sendRawTransaction", "[\"" + raw + "\"]"), true, timeout);
  }

  private CompletableFuture<JsonNode> call(
      UpstreamCall single, Upstream u, RpcCall call, boolean submits, Duration timeout) {
    if (!u.tryAcquire()) {
      return CompletableFuture.completedFuture(null);
    }
    long id = ids.getAndIncrement();
    Exchange exchange =
        new Exchange(
            List.of(call),
            Deadline.after(clock, timeout),
            null,
            null,
            new Exchange.Route(call.withId(id), new long[] {id}, false, submits, List.of(u)),
            new CompletableFuture<>(),
            Trace.NONE);
    CompletableFuture<Outcome> answer;
    try {
      answer = single.call(exchange).toCompletableFuture();
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer
        .whenComplete((o, t) -> u.release())
        .handle((o, t) -> t == null ? o.result() : null);
  }
}
