package dev.rpcshield.upstream;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Sends one JSON-RPC payload to one upstream and returns the raw answer body. */
public interface UpstreamTransport {

  /**
   * Sends without waiting: the future completes with the answer body, or exceptionally with an
   * {@link UpstreamException} when no answer came within {@code timeout} or the provider failed
   * (HTTP status, connection). Cancelling it abandons the exchange.
   *
   * @param clientIp the caller's address, sent only to upstreams configured to receive it
   * @param traceparent the W3C {@code traceparent} header to send (the attempt's span, or the
   *     client's own when tracing is off); null for none
   * @param submission whether the payload submits a transaction (sent on a verified connection)
   */
  CompletableFuture<byte[]> send(
      Upstream upstream,
      byte[] payload,
      Duration timeout,
      String clientIp,
      String traceparent,
      boolean submission);

  /** {@link #send} with no {@code traceparent}: the gateway's own questions. */
  default CompletableFuture<byte[]> send(
      Upstream upstream, byte[] payload, Duration timeout, String clientIp, boolean submission) {
    return send(upstream, payload, timeout, clientIp, null, submission);
  }

  /**
   * {@link #send} for one call, not a batch and not a transaction submission, whose gateway id is
   * {@code id}: a transport that carries many calls over one connection matches its answer by that
   * id (and has no header for a {@code traceparent}). By default it goes like any payload.
   */
  default CompletableFuture<byte[]> sendCall(
      Upstream upstream,
      byte[] payload,
      long id,
      Duration timeout,
      String clientIp,
      String traceparent) {
    return send(upstream, payload, timeout, clientIp, traceparent, false);
  }

  /** {@link #send}, waiting for the answer: for the watcher's own questions (chain, head). */
  default byte[] exchange(
      Upstream upstream, byte[] payload, Duration timeout, String clientIp, boolean submission)
      throws UpstreamException {
    CompletableFuture<byte[]> answer = send(upstream, payload, timeout, clientIp, submission);
    try {
      return answer.get();
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw UpstreamException.interrupted();
    } catch (ExecutionException e) {
      throw UpstreamException.of(e.getCause());
    }
  }

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

    /** What a failed {@link #send} carries; anything else is a failed connection. */
    public static UpstreamException of(Throwable failure) {
      if (failure instanceof UpstreamException e) {
        return e;
      }
      return new UpstreamException(UpstreamFailure.Kind.IO, "connection failed");
    }

    public UpstreamFailure failure() {
      return failure;
    }
  }
}
