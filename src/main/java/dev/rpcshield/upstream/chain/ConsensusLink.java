package dev.rpcshield.upstream.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamFailure;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamsConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers a call whose method is under consensus only when {@code agree} upstreams returned the
 * same result (JSON-equal: key order and spacing aside; a chain's error answer is a result too). It
 * asks {@code ask} upstreams of the route at once, each its own attempt (retried on that upstream,
 * never hedged), and asks the next one in the route whenever one fails to answer or a vote is still
 * needed, until some result has its votes or no upstream left could give it them. Then every
 * upstream whose answer differed from the agreed one is counted as having disagreed, and the calls
 * still in flight are abandoned. When none agree the call gets -32041 naming how many did, never
 * one of the answers; when none answered at all, what each did, as failover says it. Every other
 * exchange (batches, submissions, methods not under consensus) goes on as it came.
 */
public final class ConsensusLink implements UpstreamCall {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final UpstreamCall others;
  private final UpstreamCall single;
  private final UpstreamsConfig.Consensus consensus;

  /**
   * @param others where an exchange not under consensus goes (the hedge)
   * @param single one attempt on the route's first upstream, with its retries
   */
  public ConsensusLink(
      UpstreamCall others, UpstreamCall single, UpstreamsConfig.Consensus consensus) {
    this.others = others;
    this.single = single;
    this.consensus = consensus;
  }

  @Override
  public CompletionStage<Outcome> call(Exchange exchange) {
    Exchange.Route route = exchange.route();
    if (route.batch()
        || route.submitsTransaction()
        || !consensus.methods().contains(exchange.calls().get(0).method())) {
      return others.call(exchange);
    }
    Poll poll = new Poll(exchange);
    exchange.abandoned().thenRun(poll::abandonAll);
    poll.askMore();
    return poll.result;
  }

  /** The result an answer votes for: its {@code result} or {@code error} member. */
  private static JsonNode vote(CallResult.Answer answer) {
    if (answer.body() == null) {
      return NullNode.instance;
    }
    try {
      JsonNode reply = JSON.readTree(answer.body());
      JsonNode result = reply.get("result");
      return result != null ? result : JSON.createObjectNode().set("error", reply.get("error"));
    } catch (IOException e) {
      return null;
    }
  }

  /** One call's upstreams asked at once; its small critical sections hold no I/O. */
  private final class Poll {
    final Exchange exchange;
    final List<Upstream> order;
    final CompletableFuture<Outcome> result = new CompletableFuture<>();
    final List<CompletableFuture<Void>> tokens = new ArrayList<>();

    /** Each result answered, with the upstreams that gave it. */
    final Map<JsonNode, List<Upstream>> votes = new LinkedHashMap<>();

    final List<String> reasons = new ArrayList<>();
    int next;
    int inFlight;
    int answers;
    Outcome lastFailure;

    Poll(Exchange exchange) {
      this.exchange = exchange;
      this.order = exchange.route().order();
    }

    /**
     * Asks upstreams, one after another in the route's order, until {@code ask} are in flight;
     * decides when no result can have its votes any more.
     */
    void askMore() {
      while (true) {
        Upstream u = null;
        CompletableFuture<Void> token = null;
        Outcome decided = null;
        synchronized (this) {
          if (result.isDone()) {
            return;
          }
          if (exchange.unwanted()) {
            decided = inFlight == 0 ? FailoverLink.abandoned(exchange) : null;
          } else if (best() + inFlight + order.size() - next < consensus.agree()) {
            decided = undecided();
          } else if (inFlight < consensus.ask()
              && next < order.size()
              && !exchange.deadline().expired()) {
            Upstream candidate = order.get(next++);
            String passedOver = FailoverLink.passedOver(candidate, exchange.route());
            if (passedOver != null) {
              reasons.add(passedOver);
              continue;
            }
            if (!candidate.tryAcquire()) {
              reasons.add(
                  candidate.name()
                      + (candidate.removed() ? ": removed by a reload" : ": at capacity"));
              continue;
            }
            u = candidate;
            token = new CompletableFuture<>();
            tokens.add(token);
            inFlight++;
          } else if (inFlight == 0) {
            decided = undecided();
          }
        }
        if (u != null) {
          ask(u, token);
        } else {
          if (decided != null) {
            finish(decided);
          }
          return;
        }
      }
    }

    void ask(Upstream u, CompletableFuture<Void> token) {
      CompletionStage<Outcome> answer;
      try {
        answer =
            single.call(
                new Exchange(
                    exchange.calls(),
                    exchange.deadline(),
                    exchange.clientIp(),
                    exchange.sink(),
                    exchange.route().to(List.of(u)),
                    token,
                    exchange.trace()));
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      answer.whenComplete((o, t) -> u.release()).whenComplete((o, t) -> answered(u, o, t));
    }

    void answered(Upstream u, Outcome o, Throwable t) {
      Outcome decided = null;
      JsonNode agreed = null;
      synchronized (this) {
        if (result.isDone()) {
          return;
        }
        inFlight--;
        JsonNode vote =
            t == null && o.answered() && o.results().get(0) instanceof CallResult.Answer a
                ? vote(a)
                : null;
        if (vote == null) {
          lastFailure = t == null ? o : lastFailure;
          reasons.add(
              u.name()
                  + ": "
                  + (t != null
                      ? "request failed"
                      : o.failure() != null ? o.failure().reason() : "answer is not JSON"));
        } else {
          answers++;
          List<Upstream> same = votes.computeIfAbsent(vote, v -> new ArrayList<>());
          same.add(u);
          if (same.size() >= consensus.agree()) {
            decided = o;
            agreed = vote;
          }
        }
      }
      if (decided != null) {
        finish(decided);
        countDissent(agreed);
      } else {
        askMore();
      }
    }

    /** Votes of the most-agreed result so far. */
    int best() {
      int most = 0;
      for (List<Upstream> same : votes.values()) {
        most = Math.max(most, same.size());
      }
      return most;
    }

    /** What the call gets when no result can have its votes any more. */
    Outcome undecided() {
      if (answers == 0) {
        boolean timedOut =
            exchange.deadline().expired()
                || (lastFailure != null
                    && lastFailure.failure() != null
                    && lastFailure.failure().kind() == Kind.TIMEOUT);
        String detail =
            reasons.isEmpty()
                ? "deadline passed"
                : String.join("; ", reasons)
                    + (inFlight > 0 || next < order.size()
                        ? "; too few upstreams left to agree"
                        : "");
        return Outcome.failed(
            exchange.calls(),
            RpcError.of(
                timedOut ? RpcErrorCode.UPSTREAM_TIMEOUT : RpcErrorCode.NO_UPSTREAM, detail),
            lastFailure == null ? null : lastFailure.upstream(),
            lastFailure == null
                ? new UpstreamFailure(timedOut ? Kind.TIMEOUT : Kind.CONNECT, detail)
                : lastFailure.failure());
      }
      String detail =
          "at most "
              + best()
              + " of "
              + answers
              + " answers agreed, "
              + consensus.agree()
              + " needed"
              + (reasons.isEmpty() ? "" : "; " + String.join("; ", reasons));
      return Outcome.failed(
          exchange.calls(),
          RpcError.of(RpcErrorCode.UPSTREAMS_DISAGREE, detail),
          null,
          new UpstreamFailure(Kind.BAD_BODY, "upstreams disagree"));
    }

    void finish(Outcome o) {
      result.complete(o);
      abandonAll();
    }

    /** Counts every upstream whose answer differed from the agreed one. */
    void countDissent(JsonNode agreed) {
      List<Upstream> dissent = new ArrayList<>();
      synchronized (this) {
        votes.forEach((vote, voters) -> {
          if (!vote.equals(agreed)) {
            dissent.addAll(voters);
          }
        });
      }
      String method = exchange.calls().get(0).method();
      dissent.forEach(u -> u.disagreed(method));
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
