package dev.rpcshield.upstream;

import dev.rpcshield.net.Bodies;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * HTTP/1.1 transport on Apache HttpClient 5 (classic, blocking), called from virtual threads: a
 * pool of keep-alive connections per upstream, a deadline on the whole exchange (a watchdog aborts
 * a body that drips past it), and a cap on the answer size.
 */
public final class HttpUpstreamTransport implements UpstreamTransport, AutoCloseable {
  private final Duration connectTimeout;
  private final long maxResponseBytes;
  private final Map<Upstream, CloseableHttpClient> clients = new ConcurrentHashMap<>();
  private final Map<Upstream, CloseableHttpClient> submitClients = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor watchdog = watchdog();

  /**
   * @param connectTimeout TCP connect timeout (default 2 s)
   * @param maxResponseBytes largest answer accepted (default 64 MiB)
   */
  public HttpUpstreamTransport(Duration connectTimeout, long maxResponseBytes) {
    this.connectTimeout = connectTimeout;
    this.maxResponseBytes = maxResponseBytes;
  }

  /**
   * One thread aborting exchanges past their deadline. A cancelled deadline leaves the queue at
   * once: almost every exchange cancels its own, and at thousands per second a queue of cancelled
   * tasks waiting out their timeouts would grow to tens of thousands.
   */
  private static ScheduledThreadPoolExecutor watchdog() {
    ScheduledThreadPoolExecutor watchdog =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().daemon().name("rpcshield-upstream-deadline").unstarted(r));
    watchdog.setRemoveOnCancelPolicy(true);
    return watchdog;
  }

  /**
   * The upstream's connection pool. Transaction submissions use a pool of their own that checks a
   * pooled connection before every use: a connection the upstream has closed would otherwise make a
   * submission look as if it may have arrived, and it would not be sent elsewhere.
   */
  private CloseableHttpClient client(Upstream upstream, boolean submission) {
    return (submission ? submitClients : clients)
        .computeIfAbsent(
            upstream,
            n -> {
              int connections =
                  upstream.settings().maxInFlight() > 0 ? upstream.settings().maxInFlight() : 1024;
              PoolingHttpClientConnectionManager pool =
                  PoolingHttpClientConnectionManagerBuilder.create()
                      .setMaxConnTotal(connections)
                      .setMaxConnPerRoute(connections)
                      .setDefaultConnectionConfig(
                          ConnectionConfig.custom()
                              .setConnectTimeout(Timeout.of(connectTimeout))
                              .setValidateAfterInactivity(
                                  submission ? TimeValue.ZERO_MILLISECONDS : TimeValue.ofSeconds(2))
                              .build())
                      .build();
              return HttpClients.custom()
                  .setConnectionManager(pool)
                  .disableAutomaticRetries()
                  .disableRedirectHandling()
                  .disableCookieManagement()
                  .disableAuthCaching()
                  .evictIdleConnections(TimeValue.ofSeconds(30))
                  .build();
            });
  }

  @Override
  public byte[] exchange(
      Upstream upstream, byte[] payload, Duration timeout, String clientIp, boolean submission)
      throws UpstreamException {
    UpstreamSettings s = upstream.settings();
    HttpPost post = new HttpPost(s.url());
    post.setConfig(
        RequestConfig.custom()
            .setResponseTimeout(Timeout.of(timeout))
            .setConnectionRequestTimeout(Timeout.of(timeout))
            .build());
    post.setHeader("Accept", "application/json");
    s.headers().forEach(post::setHeader);
    if (s.forwardClientIp() && clientIp != null) {
      post.setHeader("X-Forwarded-For", clientIp);
    }
    post.setEntity(new ByteArrayEntity(payload, ContentType.APPLICATION_JSON));
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> deadline =
        watchdog.schedule(
            () -> {
              expired.set(true);
              post.cancel();
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    try {
      return client(upstream, submission)
          .execute(
              post,
              response -> {
                int status = response.getCode();
                if (status != 200) {
                  throw new StatusException(status);
                }
                return read(response.getEntity());
              });
    } catch (StatusException e) {
      throw new UpstreamException(Kind.HTTP_STATUS, "HTTP " + e.status);
    } catch (TooLarge e) {
      throw new UpstreamException(Kind.TOO_LARGE, "answer larger than the response cap");
    } catch (IOException e) {
      if (expired.get()
          || e instanceof SocketTimeoutException && !(e instanceof ConnectTimeoutException)) {
        throw new UpstreamException(Kind.TIMEOUT, "timed out after " + timeout.toMillis() + " ms");
      }
      throw classify(e);
    } finally {
      deadline.cancel(false);
    }
  }

  private byte[] read(HttpEntity entity) throws IOException {
    if (entity == null) {
      return new byte[0];
    }
    long declared = entity.getContentLength();
    if (declared > maxResponseBytes) {
      throw new TooLarge();
    }
    try (InputStream in = entity.getContent()) {
      byte[] body =
          Bodies.read(in, declared, (int) Math.min(Integer.MAX_VALUE - 9, maxResponseBytes));
      if (body.length > maxResponseBytes) {
        throw new TooLarge();
      }
      return body;
    }
  }

  private static UpstreamException classify(IOException e) {
    if (e instanceof ConnectTimeoutException) {
      return new UpstreamException(Kind.CONNECT, "connect timed out");
    }
    if (e instanceof HttpHostConnectException
        || e instanceof ConnectException
        || e instanceof UnknownHostException) {
      return new UpstreamException(Kind.CONNECT, "connection refused");
    }
    if (e instanceof InterruptedIOException) {
      return new UpstreamException(Kind.IO, "interrupted");
    }
    String what = e.getMessage() == null ? "connection failed" : e.getMessage();
    return new UpstreamException(Kind.IO, what.length() > 80 ? what.substring(0, 80) : what);
  }

  /**
   * Closes the upstream's pools once {@code after} has passed (the longest a request in flight can
   * still use them); a later request to it, if it is still configured, opens new ones.
   */
  void retire(Upstream upstream, Duration after) {
    List<CloseableHttpClient> pools =
        Stream.of(clients.remove(upstream), submitClients.remove(upstream))
            .filter(Objects::nonNull)
            .toList();
    if (!pools.isEmpty()) {
      watchdog.schedule(
          () -> pools.forEach(HttpUpstreamTransport::closeQuietly),
          after.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  private static void closeQuietly(CloseableHttpClient c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // a pool being dropped
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    Stream.concat(clients.values().stream(), submitClients.values().stream())
        .forEach(HttpUpstreamTransport::closeQuietly);
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
