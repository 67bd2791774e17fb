package dev.rpcshield.upstream.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.jsonrpc.Quantity;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.sender.InvalidTransactionException;
import dev.rpcshield.sender.RawTransactionDecoder;
import dev.rpcshield.sender.SignedTransaction;
import dev.rpcshield.upstream.SentTransactions;
import dev.rpcshield.upstream.Upstream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Transactions that land. An eth_sendRawTransaction goes to the first upstream that takes it (the
 * rest of the chain's failover) or, with {@code broadcastAll}, to every upstream of the route at
 * once: the client gets the hash as soon as one takes it, the others' refusals are counted on them,
 * and only when every one refuses does the client get an error, the chain's own when one gave it.
 * An answer meaning the transaction is already there ("already known", "nonce too low" for that
 * very hash found on an upstream) is its hash, so a resent transaction succeeds. What was taken is
 * remembered ({@link SentTransactions}): eth_getTransactionCount at {@code pending} of its sender
 * answers at least one past its nonce, and eth_getTransactionByHash that an upstream answers null
 * is asked of one that took the transaction. Other calls go on as they came.
 */
public final class SubmitLink implements UpstreamCall {
  private static final Logger LOG = Logger.getLogger(SubmitLink.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final Pattern HASH = Pattern.compile("0x[0-9a-fA-F]{64}");
  private static final RawTransactionDecoder DECODER = new RawTransactionDecoder(Set.of(), true);
  private static final Executor REDIS = Executors.newVirtualThreadPerTaskExecutor();

  /**
   * What nodes answer for a transaction they already hold, as whole words ({@link #words}): geth,
   * reth, Erigon ("already known"), Besu ("known transaction", ALREADY_KNOWN), Nethermind
   * (AlreadyKnown), anvil ("transaction already imported").
   */
  private static final List<String> ALREADY_THERE =
      List.of(
          " already known ", " known transaction ", " already imported ", " already in mempool ");

  /**
   * What nodes answer for a nonce already used: geth, reth, Erigon, Besu, Nethermind (OldNonce).
   */
  private static final List<String> NONCE_USED = List.of(" nonce too low ", " old nonce ");

  private final UpstreamCall next;
  private final UpstreamCall single;
  private final SentTransactions sent;
  private final boolean broadcastAll;
  private final AtomicLong ids;

  /**
   * @param next the rest of the chain
   * @param single one attempt on the route's first upstream (with its retries, none for a
   *     submission)
   * @param sent what the network remembers of the transactions it took
   * @param broadcastAll whether a transaction goes to every upstream of its route at once
   * @param ids the network's gateway ids, for the link's own lookups
   */
  public SubmitLink(
      UpstreamCall next,
      UpstreamCall single,
      SentTransactions sent,
      boolean broadcastAll,
      AtomicLong ids) {
    this.next = next;
    this.single = single;
    this.sent = sent;
    this.broadcastAll = broadcastAll;
    this.ids = ids;
  }

  @Override
  public CompletionStage<Outcome> call(Exchange exchange) {
    Exchange.Route route = exchange.route();
    if (route.batch()) {
      return next.call(exchange);
    }
    RpcCall call = exchange.calls().get(0);
    return switch (call.method()) {
      case "eth_sendRawTransaction" -> submit(exchange, call);
      case "eth_getTransactionCount" -> pendingCount(exchange, call);
      case "eth_getTransactionByHash" -> byHash(exchange, call);
      default -> next.call(exchange);
    };
  }

  private CompletionStage<Outcome> submit(Exchange exchange, RpcCall call) {
    SignedTransaction tx;
    try {
      tx = DECODER.decode(call.firstStringParam());
    } catch (InvalidTransactionException | RuntimeException e) {
      // The pipeline decoded it before admitting it; an upstream tells the client what is wrong.
      return next.call(exchange);
    }
    List<Upstream> order = exchange.route().order();
    CompletableFuture<Outcome> answered =
        broadcastAll && order.size() > 1
            ? new Broadcast(exchange, tx).start()
            : next.call(exchange)
                .toCompletableFuture()
                .thenCompose(o -> settled(exchange, tx, o))
                .thenCompose(o -> taken(exchange, tx, o));
    return answered;
  }

  /**
   * One transaction sent to every upstream of the route at once: the first that takes it answers
   * the client, the others go on and are remembered when they take it too.
   */
  private final class Broadcast {
    final Exchange exchange;
    final SignedTransaction tx;
    final CompletableFuture<Outcome> result = new CompletableFuture<>();
    final List<Outcome> refusals = new ArrayList<>();
    int left;
    boolean taken;

    Broadcast(Exchange exchange, SignedTransaction tx) {
      this.exchange = exchange;
      this.tx = tx;
    }

    CompletableFuture<Outcome> start() {
      List<Upstream> order = exchange.route().order();
      List<Upstream> asked = new ArrayList<>();
      for (Upstream u : order) {
        if (FailoverLink.passedOver(u, exchange.route()) == null && u.tryAcquire()) {
          asked.add(u);
        }
      }
      if (asked.isEmpty()) {
        return next.call(exchange).toCompletableFuture();
      }
      left = asked.size();
      for (Upstream u : asked) {
        alone(
                new Exchange(
                    exchange.calls(),
                    exchange.deadline(),
                    exchange.clientIp(),
                    exchange.sink(),
                    exchange.route().to(List.of(u)),
                    new CompletableFuture<>(),
                    exchange.trace()),
                u)
            .thenCompose(
                o -> o == null ? CompletableFuture.completedFuture(null) : settled(exchange, tx, o))
            .thenCompose(o ->
                o != null && took(o)
                    ? taken(exchange, tx, o)
                    : CompletableFuture.completedFuture(o))
            .whenComplete((o, t) -> answered(u, o));
      }
      return result;
    }

    void answered(Upstream u, Outcome o) {
      boolean refused = o == null || !took(o);
      Outcome answer = null;
      synchronized (this) {
        left--;
        if (!refused && !taken) {
          taken = true;
          answer = o;
        } else if (refused) {
          refusals.add(o);
          if (left == 0 && !taken) {
            answer = mostTelling(refusals);
          }
        }
      }
      if (refused) {
        u.refusedTransaction();
      }
      if (answer != null) {
        result.complete(answer);
      }
    }

    /** The chain's own error when an upstream gave one, else the first failure. */
    private Outcome mostTelling(List<Outcome> refused) {
      Outcome failure = null;
      for (Outcome o : refused) {
        if (o != null && o.failure() == null && o.results().get(0) instanceof CallResult.Answer) {
          return o;
        }
        if (failure == null && o != null) {
          failure = o;
        }
      }
      return failure != null
          ? failure
          : Outcome.failed(
              exchange.calls(),
              RpcError.of(RpcErrorCode.NO_UPSTREAM, "no upstream took the transaction"));
    }
  }

  /** Whether an upstream took the transaction: a result, not an error. */
  private static boolean took(Outcome o) {
    return o.answered() && o.results().get(0) instanceof CallResult.Answer a && !a.chainError();
  }

  /**
   * An answer meaning the transaction is already there, made its hash: an "already known" error, or
   * "nonce too low" when an upstream of the route has that very transaction.
   */
  private CompletableFuture<Outcome> settled(Exchange exchange, SignedTransaction tx, Outcome o) {
    if (!o.answered() || !(o.results().get(0) instanceof CallResult.Answer a) || !a.chainError()) {
      return CompletableFuture.completedFuture(o);
    }
    String message = words(errorMessage(a.body()));
    if (ALREADY_THERE.stream().anyMatch(message::contains)) {
      return CompletableFuture.completedFuture(hashAnswer(exchange, tx, a.upstream()));
    }
    if (NONCE_USED.stream().anyMatch(message::contains)) {
      return findAnywhere(exchange, tx.hash(), exchange.route().order(), 0)
          .thenApply(found -> found ? hashAnswer(exchange, tx, a.upstream()) : o);
    }
    return CompletableFuture.completedFuture(o);
  }

  /** Whether one of {@code order}, from {@code i} on, answers eth_getTransactionByHash with it. */
  private CompletableFuture<Boolean> findAnywhere(
      Exchange exchange, String hash, List<Upstream> order, int i) {
    if (i >= order.size() || exchange.deadline().expired()) {
      return CompletableFuture.completedFuture(false);
    }
    return lookUp(exchange, hash, order.get(i))
        .thenCompose(o -> {
          if (o != null && hasResult(o)) {
            return CompletableFuture.completedFuture(true);
          }
          return findAnywhere(exchange, hash, order, i + 1);
        });
  }

  /**
   * eth_getTransactionByHash of {@code hash} asked of {@code u} alone; null when it could not be.
   */
  private CompletableFuture<Outcome> lookUp(Exchange exchange, String hash, Upstream u) {
    if (!u.tryAcquire()) {
      return CompletableFuture.completedFuture(null);
    }
    RpcCall lookup = RpcCall.of("eth_getTransactionByHash", "[\"" + hash + "\"]");
    long id = ids.getAndIncrement();
    return alone(
        new Exchange(
            List.of(lookup),
            exchange.deadline(),
            exchange.clientIp(),
            exchange.sink(),
            new Exchange.Route(lookup.withId(id), new long[] {id}, false, false, List.of(u)),
            new CompletableFuture<>(),
            exchange.trace()),
        u);
  }

  /** {@code exchange} sent to {@code u} alone, held at its cap; null when it failed. */
  private CompletableFuture<Outcome> alone(Exchange exchange, Upstream u) {
    CompletionStage<Outcome> answer;
    try {
      answer = single.call(exchange);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer
        .whenComplete((o, t) -> u.release())
        .toCompletableFuture()
        .handle((o, t) -> t == null ? o : null);
  }

  /** The success answer of the transaction's hash, as the upstream that had it. */
  private static Outcome hashAnswer(Exchange exchange, SignedTransaction tx, String upstream) {
    RpcCall call = exchange.calls().get(0);
    byte[] body =
        call.isNotification() ? null : RpcWriter.result(call.rawId(), "\"" + tx.hash() + "\"");
    return Outcome.answered(List.of(new CallResult.Answer(body, false, upstream)), upstream);
  }

  /** Remembers who took the transaction, before the client hears of it. */
  private CompletableFuture<Outcome> taken(Exchange exchange, SignedTransaction tx, Outcome o) {
    if (!took(o)) {
      return CompletableFuture.completedFuture(o);
    }
    String upstream = ((CallResult.Answer) o.results().get(0)).upstream();
    Runnable record =
        () -> {
          try {
            sent.accepted(tx, exchange.calls().get(0).firstStringParam(), upstream);
          } catch (RuntimeException e) {
            // The transaction was taken whatever the memory of it: the client hears so.
            LOG.warning(() -> "could not remember transaction " + tx.hash() + ": " + e);
          }
        };
    if (!sent.remote()) {
      record.run();
      return CompletableFuture.completedFuture(o);
    }
    return CompletableFuture.runAsync(record, REDIS).thenApply(v -> o);
  }

  /**
   * eth_getTransactionCount at {@code pending}: at least one past the highest nonce the gateway
   * took a transaction of the sender with lately, whatever the upstream asked has seen.
   */
  private CompletionStage<Outcome> pendingCount(Exchange exchange, RpcCall call) {
    JsonNode params = params(call);
    if (params == null
        || !params.path(0).isTextual()
        || !ADDRESS.matcher(params.get(0).asText()).matches()
        || !"pending".equals(params.path(1).asText())) {
      return next.call(exchange);
    }
    String sender = params.get(0).asText().toLowerCase(Locale.ROOT);
    CompletableFuture<BigInteger> highest =
        sent.remote()
            ? CompletableFuture.supplyAsync(() -> sent.highestNonce(sender), REDIS)
            : CompletableFuture.completedFuture(sent.highestNonce(sender));
    return next.call(exchange)
        .toCompletableFuture()
        .thenCombine(highest, (o, nonce) -> atLeast(exchange, o, nonce));
  }

  private static Outcome atLeast(Exchange exchange, Outcome o, BigInteger highest) {
    if (highest == null || !took(o)) {
      return o;
    }
    CallResult.Answer a = (CallResult.Answer) o.results().get(0);
    JsonNode result = o.result();
    if (result == null || !result.isTextual()) {
      return o;
    }
    long count = Quantity.parse(result.asText());
    BigInteger next = highest.add(BigInteger.ONE);
    if (count >= 0 && BigInteger.valueOf(count).compareTo(next) >= 0) {
      return o;
    }
    RpcCall call = exchange.calls().get(0);
    byte[] body =
        call.isNotification()
            ? null
            : RpcWriter.result(call.rawId(), "\"0x" + next.toString(16) + "\"");
    return Outcome.answered(
        List.of(new CallResult.Answer(body, false, a.upstream())), o.upstream());
  }

  /**
   * eth_getTransactionByHash that its upstream answers null, for a transaction an upstream took
   * here: asked of one that took it.
   */
  private CompletionStage<Outcome> byHash(Exchange exchange, RpcCall call) {
    JsonNode params = params(call);
    if (params == null
        || !params.path(0).isTextual()
        || !HASH.matcher(params.get(0).asText()).matches()) {
      return next.call(exchange);
    }
    List<String> takers = sent.takenBy(params.get(0).asText());
    if (takers.isEmpty()) {
      return next.call(exchange);
    }
    return next.call(exchange)
        .thenCompose(o -> {
          if (!took(o) || hasResult(o)) {
            return CompletableFuture.completedFuture(o);
          }
          return fromTakers(exchange, takers, 0, o);
        });
  }

  private CompletableFuture<Outcome> fromTakers(
      Exchange exchange, List<String> takers, int i, Outcome none) {
    while (i < takers.size() && exchange.route().upstream(takers.get(i)) == null) {
      i++;
    }
    if (i >= takers.size() || exchange.deadline().expired()) {
      return CompletableFuture.completedFuture(none);
    }
    int at = i;
    Upstream u = exchange.route().upstream(takers.get(at));
    CompletableFuture<Outcome> answer =
        u.tryAcquire()
            ? alone(exchange.routed(exchange.route().to(List.of(u))), u)
            : CompletableFuture.completedFuture(null);
    return answer.thenCompose(o ->
        o != null && hasResult(o)
            ? CompletableFuture.completedFuture(o)
            : fromTakers(exchange, takers, at + 1, none));
  }

  /** Whether an answer's result is something, not null. */
  private static boolean hasResult(Outcome o) {
    JsonNode r = o.result();
    return r != null && !r.isNull();
  }

  private static String errorMessage(byte[] body) {
    if (body == null) {
      return "";
    }
    try {
      return JSON.readTree(body).path("error").path("message").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * {@code text}'s letters, lower case: "Already known", "ALREADY_KNOWN" and "AlreadyKnown" alike.
   */
  static String words(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8).append(' ');
    char before = ' ';
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isLetter(c)) {
        c = ' ';
      } else if (Character.isUpperCase(c) && Character.isLowerCase(before)) {
        out.append(' ');
      }
      if (c != ' ' || out.charAt(out.length() - 1) != ' ') {
        out.append(Character.toLowerCase(c));
      }
      before = text.charAt(i);
    }
    if (out.charAt(out.length() - 1) != ' ') {
      out.append(' ');
    }
    return out.toString();
  }

  private static JsonNode params(RpcCall call) {
    byte[] raw = call.rawParams();
    if (raw == null) {
      return null;
    }
    try {
      JsonNode params = JSON.readTree(raw);
      return params.isArray() ? params : null;
    } catch (IOException e) {
      return null;
    }
  }
}
