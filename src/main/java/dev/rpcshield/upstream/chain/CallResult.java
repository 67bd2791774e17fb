package dev.rpcshield.upstream.chain;

import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcWriter;

/** What one call of an exchange got: an answer to send back, a refusal, or a failure. */
public sealed interface CallResult {

  /**
   * The call is over a cap of the gateway's (eth_getLogs ranges): refused, not sent; the pipeline
   * answers it and records the refusal with the rest of the body's.
   */
  record Refused(Refusal refusal) implements CallResult {

    /** The error the call is answered with. */
    public RpcError error() {
      return refusal.error();
    }
  }

  /**
   * An answer, from an upstream or the cache.
   *
   * @param body the answer with the client's id, or null when the call was a notification
   * @param chainError whether it is a JSON-RPC error from the chain (reverted, nonce...)
   * @param upstream the upstream that answered, or null when the gateway did (cache, joined chunks)
   * @param cached whether the answer came from the response cache
   */
  record Answer(byte[] body, boolean chainError, String upstream, boolean cached)
      implements CallResult {
    public Answer(byte[] body, boolean chainError, String upstream) {
      this(body, chainError, upstream, false);
    }
  }

  /** No upstream answered; {@code body} is the error with the client's id (null: notification). */
  record Failure(RpcError error, byte[] body) implements CallResult {
    public static Failure of(RpcCall call, RpcError error) {
      return new Failure(
          error, call.isNotification() ? null : RpcWriter.error(call.rawId(), error));
    }
  }
}
