package dev.rpcshield.upstream;

import dev.rpcshield.jsonrpc.Quantity;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.jsonrpc.UpstreamReply;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends the calls of one client body that need an upstream: grouped by upstream group, split into
 * minibatches of at most the group's batch size (transaction submissions alone, so a retried batch
 * never sends one twice), sent concurrently under one deadline, each call carrying a gateway id
 * that is mapped back to the client's. {@code eth_blockNumber} answers are raised to the best known
 * head and never go below a number this instance answered before (see {@link HeadTracker}).
 */
@ApplicationScoped
public class Dispatcher {
  private final AtomicLong nextId = new AtomicLong(1);

  /** What one call got: the answer to send back (null for a notification), or a failure. */
  public sealed interface Result permits Answer, Failure {}

  /**
   * An upstream answered.
   *
   * @param body the answer with the client's id, or null when the call was a notification
   * @param chainError whether the answer is a JSON-RPC error from the chain (reverted, nonce...)
   * @param upstream the upstream that answered, or null when not known
   */
  public record Answer(byte[] body, boolean chainError, String upstream) implements Result {
    public Answer(byte[] body, boolean chainError) {
      this(body, chainError, null);
    }
  }

  /** No upstream answered; {@code body} is the error with the client's id (null: notification). */
  public record Failure(RpcError error, byte[] body) implements Result {
    static Failure of(RpcCall call, RpcError error) {
      return new Failure(
          error, call.isNotification() ? null : RpcWriter.error(call.rawId(), error));
    }
  }

  /** One call waiting for an upstream, at its position in the list given to {@link #send}. */
  private record Pending(int index, RpcCall call, UpstreamGroup group) {}

  /** Calls sent together to one group. */
  private record Minibatch(UpstreamGroup group, List<Pending> calls, boolean submitsTransaction) {}

  /** Sends the calls to {@code network}'s upstreams and returns one result per call, in order. */
  public List<Result> send(Network network, List<RpcCall> calls, String clientIp) {
    Deadline deadline = Deadline.after(network.clock(), network.requestTimeout());
    List<Pending> pending = new ArrayList<>(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      RpcCall call = calls.get(i);
      pending.add(new Pending(i, call, network.groupFor(call.method())));
    }
    Result[] results = new Result[calls.size()];
    List<Minibatch> batches = split(pending);
    List<Thread> threads = new ArrayList<>(batches.size() - 1);
    for (Minibatch mb : batches.subList(1, batches.size())) {
      threads.add(Thread.ofVirtual().start(() -> send(network, mb, deadline, clientIp, results)));
    }
    send(network, batches.get(0), deadline, clientIp, results);
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (int i = 0; i < results.length; i++) {
      if (results[i] == null) {
        results[i] =
            Failure.of(calls.get(i), RpcError.of(RpcErrorCode.NO_UPSTREAM, "request interrupted"));
      }
    }
    return Arrays.asList(results);
  }

  /**
   * Groups calls by upstream group, at most the group's batch size each. Transaction submissions
   * travel alone, so a retry of a batch can never send one twice.
   */
  private static List<Minibatch> split(List<Pending> pending) {
    Map<UpstreamGroup, List<Pending>> byGroup = new LinkedHashMap<>();
    List<Minibatch> out = new ArrayList<>();
    for (Pending p : pending) {
      if (p.call().submitsTransaction()) {
        out.add(new Minibatch(p.group(), List.of(p), true));
      } else {
        byGroup.computeIfAbsent(p.group(), g -> new ArrayList<>()).add(p);
      }
    }
    for (Map.Entry<UpstreamGroup, List<Pending>> e : byGroup.entrySet()) {
      int size = e.getKey().maxBatchSize();
      List<Pending> calls = e.getValue();
      for (int from = 0; from < calls.size(); from += size) {
        out.add(
            new Minibatch(
                e.getKey(), calls.subList(from, Math.min(calls.size(), from + size)), false));
      }
    }
    return out;
  }

  /** Sends one minibatch and writes each call's result at its index (each index written once). */
  private void send(
      Network network, Minibatch mb, Deadline deadline, String clientIp, Result[] results) {
    int n = mb.calls().size();
    long[] ids = new long[n];
    List<byte[]> parts = new ArrayList<>(n);
    BlockRequirement need = BlockRequirement.NONE;
    for (int i = 0; i < n; i++) {
      RpcCall call = mb.calls().get(i).call();
      ids[i] = nextId.getAndIncrement();
      parts.add(call.withId(ids[i]));
      need = need.and(BlockRequirement.of(call.method(), call::rawParams));
    }
    byte[] payload = n == 1 ? parts.get(0) : RpcWriter.batch(parts);
    Forwarder.Outcome outcome =
        network
            .forwarder()
            .send(
                network.order(mb.group(), need),
                new Forwarder.Exchange(payload, ids, n > 1, mb.submitsTransaction()),
                deadline,
                clientIp);
    for (int i = 0; i < n; i++) {
      Pending p = mb.calls().get(i);
      results[p.index()] = result(network, p.call(), ids[i], outcome);
    }
  }

  private Result result(Network network, RpcCall call, long id, Forwarder.Outcome outcome) {
    return switch (outcome) {
      case Forwarder.Answered a -> {
        UpstreamReply.Answer answer = a.byId().get(id);
        yield new Answer(
            call.isNotification() ? null : withClientId(network, call, a.reply(), answer),
            answer.isError(),
            a.upstream());
      }
      case Forwarder.Failed f -> Failure.of(call, f.error());
    };
  }

  /** The upstream's answer with the client's id, eth_blockNumber raised to the best head. */
  private static byte[] withClientId(
      Network network, RpcCall call, UpstreamReply reply, UpstreamReply.Answer answer) {
    if (call.method().equals("eth_blockNumber") && !answer.isError()) {
      String result = reply.resultJson(answer);
      long n =
          result != null && result.length() > 2
              ? Quantity.parse(result.substring(1, result.length() - 1))
              : -1;
      if (n >= 0) {
        long served = network.heads().blockNumberToServe(n, network.upstreams());
        if (served > n) {
          return RpcWriter.result(call.rawId(), "\"0x" + Long.toHexString(served) + "\"");
        }
      }
    }
    return reply.withClientId(answer, call.rawId());
  }
}
