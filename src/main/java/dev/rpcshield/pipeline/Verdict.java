package dev.rpcshield.pipeline;

import dev.rpcshield.jsonrpc.RpcError;

/** What a stage decided about one member: go on, answered here, or refused with an error. */
public sealed interface Verdict {

  /** Go on to the next stage. */
  Verdict PROCEED = new Proceed();

  /** Refused by a policy: counted as {@code refused}. */
  static Verdict refused(RpcError error) {
    return new Refused(error, "refused");
  }

  /** Refused because the call itself is invalid (an undecodable transaction): {@code invalid}. */
  static Verdict invalid(RpcError error) {
    return new Refused(error, "invalid");
  }

  /** The member goes on. */
  record Proceed() implements Verdict {}

  /** Answered without an upstream; {@code body} carries the client's id. */
  record Answered(byte[] body) implements Verdict {}

  /**
   * Refused.
   *
   * @param outcome the metric outcome: {@code refused} or {@code invalid}
   */
  record Refused(RpcError error, String outcome) implements Verdict {}
}
