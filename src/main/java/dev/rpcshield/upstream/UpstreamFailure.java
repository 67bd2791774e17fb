package dev.rpcshield.upstream;

/**
 * Why one attempt on one upstream did not produce an answer the gateway can return.
 *
 * @param kind the class of failure, which decides retry and failover
 * @param reason short and free of secrets: it reaches the client when every upstream fails
 * @param interrupted the gateway's own thread was interrupted (a cancelled call, a shutdown): it
 *     says nothing about the upstream or its connection
 */
public record UpstreamFailure(Kind kind, String reason, boolean interrupted) {

  /** A failure of the upstream or its connection. */
  public UpstreamFailure(Kind kind, String reason) {
    this(kind, reason, false);
  }

  /** Failure classes. */
  public enum Kind {
    /** No connection was made: the upstream cannot have received the request. */
    CONNECT,
    /** The connection failed after the request may have been sent (reset, closed mid-body). */
    IO,
    /** No complete answer within the attempt's time. */
    TIMEOUT,
    /** An HTTP status that means the provider, not the chain, failed (5xx, 429, 3xx, 401, 403). */
    HTTP_STATUS,
    /** A body that is not a usable JSON-RPC answer: empty, not JSON, ids that do not match. */
    BAD_BODY,
    /**
     * A JSON-RPC error that is the provider's (rate limit, unsupported method), not the chain's.
     */
    PROVIDER_ERROR,
    /** The answer exceeds the response size cap. */
    TOO_LARGE,
    /**
     * A state call at a block below its head answered with a pruned-state error: it keeps no state
     * that old, and another upstream may.
     */
    PRUNED,
    /**
     * A block by number answered {@code null} although the upstream's own head is at or past it:
     * another upstream is asked, and the null is returned only when none does better.
     */
    MISSING,
    /** An answer that failed an integrity check (logs outside the asked range): discarded. */
    UNTRUSTED
  }

  /** Whether the same upstream is worth another attempt after a backoff. */
  public boolean transientOnSameUpstream() {
    return kind == Kind.CONNECT || kind == Kind.IO || kind == Kind.HTTP_STATUS;
  }

  /**
   * Whether a transaction submission may still go to another upstream: only when this one cannot
   * have received it, or answered with a provider fault.
   */
  public boolean safeToResubmit() {
    return kind == Kind.CONNECT || kind == Kind.HTTP_STATUS || kind == Kind.PROVIDER_ERROR;
  }
}
