package dev.rpcshield.upstream.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.telemetry.Trace;
import dev.rpcshield.upstream.Deadline;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.verify.BlockHeader;
import dev.rpcshield.verify.ProofException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Block headers the gateway trusts, one per height: a header is trusted when {@code quorum}
 * distinct upstreams gave it for that height, or when its hash is the parent hash of a trusted
 * header; either way only after its hash was recomputed from its fields. A quorum for another
 * header than the one a trusted child names forgets that child (a reorg replaced it). Trusted
 * headers are kept in a bounded cache, and one fetch per height serves every call that waits for
 * it. An upstream whose header does not hash to its own hash, is of another height, or is not the
 * one trusted, is counted as having disagreed.
 */
public final class TrustedHeaders {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String METHOD = "eth_getBlockByNumber";

  private final Cache<Long, BlockHeader> trusted;
  private final UpstreamCall single;
  private final ChainView chain;
  private final int quorum;
  private final AtomicLong ids;
  private final Clock clock;
  private final Duration timeout;
  private final Map<Long, CompletableFuture<BlockHeader>> fetching = new ConcurrentHashMap<>();

  /**
   * @param trusted the network's cache of trusted headers by height, kept across reloads
   * @param single one attempt on the route's first upstream, with its retries
   * @param quorum distinct upstreams that must give the same header
   * @param ids the network's gateway ids
   * @param timeout how long one height's fetch may take (the network's request timeout): its own,
   *     as every call waiting for that height shares it
   */
  public TrustedHeaders(
      Cache<Long, BlockHeader> trusted,
      UpstreamCall single,
      ChainView chain,
      int quorum,
      AtomicLong ids,
      Clock clock,
      Duration timeout) {
    this.trusted = trusted;
    this.single = single;
    this.chain = chain;
    this.quorum = quorum;
    this.ids = ids;
    this.clock = clock;
    this.timeout = timeout;
  }

  /**
   * The trusted header at {@code number}; fails with a {@link ProofException} saying why none could
   * be trusted.
   */
  CompletableFuture<BlockHeader> at(long number) {
    BlockHeader known = trusted.getIfPresent(number);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    CompletableFuture<BlockHeader> mine = new CompletableFuture<>();
    CompletableFuture<BlockHeader> running = fetching.putIfAbsent(number, mine);
    if (running != null) {
      return running;
    }
    mine.whenComplete((h, t) -> {
      if (h != null) {
        trusted.put(number, h);
      }
      fetching.remove(number, mine);
    });
    BlockHeader child = trusted.getIfPresent(number + 1);
    new Vote(number, child == null ? null : child.parentHash(), mine).askMore();
    return mine;
  }

  /** Forgets the header at {@code number}: a reorg may have replaced it. */
  void forget(long number) {
    trusted.invalidate(number);
  }

  /**
   * One height's upstreams asked for its header; small critical sections, no I/O under them. With
   * the parent hash of a trusted child it needs one upstream's header of that hash; a header of
   * another hash says the child may be stale (a reorg), and the vote falls back to a quorum.
   */
  private final class Vote {
    final long number;
    final Deadline deadline = Deadline.after(clock, timeout);
    final CompletableFuture<BlockHeader> result;
    final List<Upstream> order;
    byte[] expected;
    int needed;
    final Map<String, Integer> votes = new LinkedHashMap<>();
    final List<String> reasons = new ArrayList<>();
    int next;
    int inFlight;

    Vote(long number, byte[] expected, CompletableFuture<BlockHeader> result) {
      this.number = number;
      this.expected = expected;
      this.result = result;
      this.order = chain.upstreams();
      this.needed = expected != null ? 1 : quorumOf(order);
    }

    private int quorumOf(List<Upstream> upstreams) {
      return Math.min(quorum, Math.max(1, upstreams.size()));
    }

    void askMore() {
      while (true) {
        Upstream u = null;
        String failed = null;
        synchronized (this) {
          if (result.isDone()) {
            return;
          }
          if (best() + inFlight + order.size() - next < needed
              || (inFlight == 0 && (next >= order.size() || deadline.expired()))) {
            failed = reasons.isEmpty() ? "no upstream to ask" : String.join("; ", reasons);
          } else if (inFlight < needed && next < order.size()) {
            Upstream candidate = order.get(next++);
            if (!candidate.breaker().inRotation() || !candidate.tryAcquire()) {
              continue;
            }
            u = candidate;
            inFlight++;
          }
        }
        if (failed != null) {
          result.completeExceptionally(
              new ProofException("no trusted header of block " + number + " (" + failed + ")"));
          return;
        }
        if (u == null) {
          return;
        }
        ask(u);
      }
    }

    private int best() {
      int most = 0;
      for (int n : votes.values()) {
        most = Math.max(most, n);
      }
      return most;
    }

    void ask(Upstream u) {
      long id = ids.getAndIncrement();
      RpcCall call = RpcCall.of(METHOD, "[\"0x" + Long.toHexString(number) + "\",false]");
      Exchange.Route route =
          new Exchange.Route(call.withId(id), new long[] {id}, false, false, List.of(u));
      CompletionStage<Outcome> answer;
      try {
        answer =
            single.call(
                new Exchange(
                    List.of(call),
                    deadline,
                    null,
                    null,
                    route,
                    new CompletableFuture<>(),
                    Trace.NONE));
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      answer
          .whenComplete((o, t) -> u.release())
          .whenComplete((o, t) -> answered(u, t == null ? o : null));
    }

    void answered(Upstream u, Outcome o) {
      BlockHeader header = null;
      String why;
      try {
        header = header(o);
        why =
            header.number() != number
                ? "gave block " + header.number()
                : !header.hashMatches() ? "gave a header that does not hash to its hash" : null;
      } catch (ProofException e) {
        why = e.getMessage();
      }
      boolean lied = header != null && why != null;
      BlockHeader agreed = null;
      synchronized (this) {
        if (result.isDone()) {
          return;
        }
        inFlight--;
        if (why == null) {
          String hash = HexFormat.of().formatHex(header.hash());
          if (expected != null && !HexFormat.of().formatHex(expected).equals(hash)) {
            // The trusted child may be the stale one: let a quorum decide this height.
            expected = null;
            needed = quorumOf(order);
          }
          if (votes.merge(hash, 1, Integer::sum) >= needed) {
            agreed = header;
          }
        }
        if (why != null) {
          reasons.add(u.name() + ": " + why);
        }
      }
      if (lied) {
        u.disagreed(METHOD);
      }
      if (agreed != null) {
        BlockHeader child = trusted.getIfPresent(number + 1);
        if (child != null && !Arrays.equals(child.parentHash(), agreed.hash())) {
          trusted.invalidate(number + 1);
        }
        result.complete(agreed);
      } else {
        askMore();
      }
    }

    private BlockHeader header(Outcome o) throws ProofException {
      if (o == null || !o.answered() || !(o.results().get(0) instanceof CallResult.Answer a)) {
        throw new ProofException(
            o == null || o.failure() == null ? "request failed" : o.failure().reason());
      }
      JsonNode block = result(a);
      if (block.isNull()) {
        throw new ProofException("has no such block");
      }
      return BlockHeader.of(block);
    }
  }

  /** The result of an upstream's answer, as JSON; an error answer proves nothing. */
  static JsonNode result(CallResult.Answer a) throws ProofException {
    JsonNode r;
    try {
      r = JSON.readTree(a.body()).get("result");
    } catch (IOException e) {
      throw new ProofException("answer is not JSON");
    }
    if (a.chainError() || r == null) {
      throw new ProofException("answered an error");
    }
    return r;
  }
}
