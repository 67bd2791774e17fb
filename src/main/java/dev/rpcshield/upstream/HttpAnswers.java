package dev.rpcshield.upstream;

import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpResponse;

/**
 * How the HTTP transport reads an upstream's answer: a 200 body collected up to the response cap,
 * and every way an exchange can fail turned into the {@link UpstreamFailure} it means.
 */
final class HttpAnswers {
  private HttpAnswers() {}

  /**
   * Completes {@code answer} from the I/O reactor. A {@link CompletableFuture} rather than the
   * client's own future, which waits on a monitor: on Java 21 a virtual thread waiting on a monitor
   * holds its carrier thread, one parked on a {@code CompletableFuture} does not.
   */
  static FutureCallback<byte[]> completing(CompletableFuture<byte[]> answer, Duration timeout) {
    return new FutureCallback<>() {
      @Override
      public void completed(byte[] body) {
        answer.complete(body);
      }

      @Override
      public void failed(Exception e) {
        answer.completeExceptionally(
            switch (e) {
              case StatusException status ->
                  new UpstreamException(Kind.HTTP_STATUS, "HTTP " + status.status);
              case TooLarge tooLarge ->
                  new UpstreamException(Kind.TOO_LARGE, "answer larger than the response cap");
              case SocketTimeoutException t when !(t instanceof ConnectTimeoutException) ->
                  timedOut(timeout);
              default -> classify(e);
            });
      }

      @Override
      public void cancelled() {
        answer.completeExceptionally(UpstreamException.interrupted());
      }
    };
  }

  static UpstreamException timedOut(Duration timeout) {
    return new UpstreamException(Kind.TIMEOUT, "timed out after " + timeout.toMillis() + " ms");
  }

  /**
   * Collects a 200 answer's body up to the cap; any other status fails the exchange. A declared
   * length over the cap fails before the body is read, one within it is read into an array of
   * exactly that size.
   */
  static final class Capped extends AbstractBinResponseConsumer<byte[]> {
    private final long cap;
    private byte[] body = new byte[0];
    private int length;

    Capped(long cap) {
      this.cap = cap;
    }

    @Override
    protected void start(HttpResponse response, ContentType contentType) throws IOException {
      if (response.getCode() != 200) {
        throw new StatusException(response.getCode());
      }
      Header declared = response.getFirstHeader(HttpHeaders.CONTENT_LENGTH);
      if (declared != null) {
        long size = Long.parseLong(declared.getValue().trim());
        if (size > cap) {
          throw new TooLarge();
        }
        body = new byte[(int) size];
      }
    }

    @Override
    protected int capacityIncrement() {
      return 16 * 1024;
    }

    @Override
    protected void data(ByteBuffer src, boolean endOfStream) throws IOException {
      int n = src.remaining();
      if (length + (long) n > cap) {
        throw new TooLarge();
      }
      if (length + n > body.length) {
        body = Arrays.copyOf(body, Math.max(length + n, Math.max(1024, body.length * 2)));
      }
      src.get(body, length, n);
      length += n;
    }

    @Override
    protected byte[] buildResult() {
      return length == body.length ? body : Arrays.copyOf(body, length);
    }

    @Override
    public void releaseResources() {}
  }

  static UpstreamException classify(Throwable e) {
    if (e instanceof ConnectTimeoutException) {
      return new UpstreamException(Kind.CONNECT, "connect timed out");
    }
    if (e instanceof HttpHostConnectException
        || e instanceof ConnectException
        || e instanceof UnknownHostException) {
      return new UpstreamException(Kind.CONNECT, "connection refused");
    }
    if (e instanceof InterruptedIOException) {
      return UpstreamException.interrupted();
    }
    String what = e.getMessage() == null ? "connection failed" : e.getMessage();
    return new UpstreamException(Kind.IO, what.length() > 80 ? what.substring(0, 80) : what);
  }

  /** A non-200 status, carried out of the response handler. */
  private static final class StatusException extends IOException {
    final int status;

    StatusException(int status) {
      super("HTTP " + status, null);
      this.status = status;
    }
  }

  /** An answer over the cap. */
  private static final class TooLarge extends IOException {
    TooLarge() {
      super("response too large", null);
    }
  }
}
