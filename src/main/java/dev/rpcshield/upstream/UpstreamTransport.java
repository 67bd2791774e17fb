package dev.rpcshield.upstream;

import java.time.Duration;

/** Sends one JSON-RPC payload to one upstream and returns the raw answer body. */
public interface UpstreamTransport {

  /**
   * @param clientIp the caller's address, sent only to upstreams configured to receive it
   * @param submission whether the payload submits a transaction (sent on a verified connection)
   * @throws UpstreamException when no answer body within {@code timeout}, or a provider-fault HTTP
   *     status
   */
  byte[] exchange(
      Upstream upstream, byte[] payload, Duration timeout, String clientIp, boolean submission)
      throws UpstreamException;

  /** Carries an {@link UpstreamFailure} out of a transport. */
  final class UpstreamException extends Exception {
    private final UpstreamFailure failure;

    public UpstreamException(UpstreamFailure.Kind kind, String reason) {
      this(new UpstreamFailure(kind, reason));
    }

    private UpstreamException(UpstreamFailure failure) {
      super(failure.reason(), null, false, false);
      this.failure = failure;
    }

    /** The caller's own thread was interrupted while it waited: not the upstream's failure. */
    public static UpstreamException interrupted() {
      return new UpstreamException(
          new UpstreamFailure(UpstreamFailure.Kind.IO, "interrupted", true));
    }

    public UpstreamFailure failure() {
      return failure;
    }
  }
}
