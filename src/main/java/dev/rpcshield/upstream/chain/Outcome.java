package dev.rpcshield.upstream.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.upstream.UpstreamFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an exchange got: one result per call, in order. Below the group split an outcome also says
 * which upstream it came from and, when that upstream failed, why, which is what retry, failover
 * and hedging decide on; the links above read the results only.
 *
 * @param results one per call of the exchange
 * @param upstream the upstream that answered or failed last; null when none was tried
 * @param failure why that upstream's answer cannot be returned as it is; null when it can
 */
public record Outcome(List<CallResult> results, String upstream, UpstreamFailure failure) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public Outcome {
    results = List.copyOf(results);
  }

  /** The answers an upstream gave: the outcome that ends the exchange. */
  public static Outcome answered(List<CallResult> results, String upstream) {
    return new Outcome(results, upstream, null);
  }

  /** Every call of the exchange failed with {@code error}. */
  public static Outcome failed(List<RpcCall> calls, RpcError error) {
    return failed(calls, error, null, null);
  }

  /** Every call failed with {@code error}, the failure of {@code upstream} being the cause. */
  public static Outcome failed(
      List<RpcCall> calls, RpcError error, String upstream, UpstreamFailure failure) {
    List<CallResult> out = new ArrayList<>(calls.size());
    for (RpcCall c : calls) {
      out.add(CallResult.Failure.of(c, error));
    }
    return new Outcome(out, upstream, failure);
  }

  /**
   * The {@code result} of its first call's answer, when that is an upstream's answer and not the
   * chain's error; null otherwise, or when the answer is no JSON (a notification's has no body).
   */
  public JsonNode result() {
    if (!answered() || !(results.get(0) instanceof CallResult.Answer a) || a.chainError()) {
      return null;
    }
    if (a.body() == null) {
      return null;
    }
    try {
      return JSON.readTree(a.body()).get("result");
    } catch (IOException e) {
      return null;
    }
  }

  /** Whether the results can be returned as they are. */
  public boolean answered() {
    return failure == null && !results.isEmpty() && results.get(0) instanceof CallResult.Answer;
  }
}
