package dev.rpcshield.jsonrpc;

/**
 * A refusal as a value: what the gateway declined, why, and under which class it is counted. Every
 * refusal, whatever refused it (admission, a handshake, a limit, a stage, the eth_getLogs caps), is
 * one of these, handed to the one place that records it.
 *
 * @param error what the client gets; its code gives the HTTP status of a single request
 * @param refusalClass the {@code class} label of {@code rpcshield_refusals_total} and the event
 *     log's {@code ext_refusal}: one of a fixed set (docs/operations.md, "Refusals")
 * @param sender the transaction sender the refusal counts against (the sender throttle's), else
 *     null: it counts against the caller's account or address
 * @param retryAfterSeconds how long the caller should wait before the same call can succeed
 *     (limits, an account database outage), else 0
 */
public record Refusal(RpcError error, String refusalClass, String sender, long retryAfterSeconds) {

  public Refusal(RpcError error, String refusalClass, String sender) {
    this(error, refusalClass, sender, 0);
  }

  /** A refusal that counts against the caller. */
  public static Refusal of(RpcError error, String refusalClass) {
    return new Refusal(error, refusalClass, null);
  }

  /** The HTTP status of a single request or a handshake refused so. */
  public int status() {
    return error.code().httpStatus();
  }
}
