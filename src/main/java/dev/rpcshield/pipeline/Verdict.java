package dev.rpcshield.pipeline;

import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcError;

/** What a stage decided about one member: go on, answered here, or refused with an error. */
public sealed interface Verdict {

  /** Go on to the next stage. */
  Verdict PROCEED = new Proceed();

  /** Refused by a policy: counted as {@code refused}. */
  static Verdict refused(Refusal refusal) {
    return new Refused(refusal, "refused");
  }

  /** Refused by a policy that counts it against the caller, under {@code refusalClass}. */
  static Verdict refused(RpcError error, String refusalClass) {
    return refused(Refusal.of(error, refusalClass));
  }

  /** Refused because the call itself is invalid (an undecodable transaction): {@code invalid}. */
  static Verdict invalid(RpcError error, String refusalClass) {
    return new Refused(Refusal.of(error, refusalClass), "invalid");
  }

  /** The member goes on. */
  record Proceed() implements Verdict {}

  /** Answered without an upstream; {@code body} carries the client's id. */
  record Answered(byte[] body) implements Verdict {}

  /**
   * Refused; the refusal is recorded once the body is answered ({@link CallRecorder}).
   *
   * @param outcome the metric outcome: {@code refused} or {@code invalid}
   */
  record Refused(Refusal refusal, String outcome) implements Verdict {

    /** The error the member is answered with. */
    public RpcError error() {
      return refusal.error();
    }
  }
}
