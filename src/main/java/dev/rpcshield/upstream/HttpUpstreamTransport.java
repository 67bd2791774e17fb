package dev.rpcshield.upstream;

import dev.rpcshield.telemetry.Trace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * HTTP/1.1 transport: a pool of keep-alive connections per upstream (the upstream's own in-flight
 * cap bounds its connections), the answer completed on an I/O thread, a deadline on the whole
 * exchange (an answer that drips past it is cancelled), and a cap on the answer size. A plain-HTTP
 * upstream goes through the gateway's own NIO client ({@link Http1Pool}: no request objects, no
 * hand-off to the I/O thread to send), which costs about a fifth less CPU per request than
 * HttpClient 5 (bench/results/2026-12-06-http1-ab.md); an HTTPS one through Apache HttpClient 5's
 * async client (the lax pool: no lock shared by every lease and release).
 */
public final class HttpUpstreamTransport implements UpstreamTransport, AutoCloseable {
  private final Duration connectTimeout;
  private final long maxResponseBytes;
  private final Map<Upstream, CloseableHttpAsyncClient> clients = new ConcurrentHashMap<>();
  private final Map<Upstream, CloseableHttpAsyncClient> submitClients = new ConcurrentHashMap<>();
  private final Map<Upstream, Http1Pool> plainPools = new ConcurrentHashMap<>();
  private final AtomicReference<Http1Reactor[]> reactors = new AtomicReference<>();
  private final AtomicInteger nextReactor = new AtomicInteger();
  private final ScheduledThreadPoolExecutor retirements = retirements();

  /** Ends exchanges that outlive their time, an answer that drips past it included. */
  private final ScheduledThreadPoolExecutor deadlines = deadlines();

  /**
   * I/O threads per pool: one reactor thread carries tens of thousands of small exchanges a second,
   * and a gateway with many upstreams should not hold a thread per core for each of them.
   */
  private static final IOReactorConfig REACTOR =
      IOReactorConfig.custom()
          .setIoThreadCount(Math.min(2, Runtime.getRuntime().availableProcessors()))
          .build();

  /**
   * @param connectTimeout TCP connect timeout (default 2 s)
   * @param maxResponseBytes largest answer accepted (default 64 MiB)
   */
  public HttpUpstreamTransport(Duration connectTimeout, long maxResponseBytes) {
    this.connectTimeout = connectTimeout;
    this.maxResponseBytes = Math.min(Integer.MAX_VALUE - 9, maxResponseBytes);
  }

  /** One thread closing the pools of upstreams that left the configuration. */
  private static ScheduledThreadPoolExecutor retirements() {
    return new ScheduledThreadPoolExecutor(
        1, r -> Thread.ofPlatform().daemon().name("rpcshield-upstream-retire").unstarted(r));
  }

  private static ScheduledThreadPoolExecutor deadlines() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().daemon().name("rpcshield-upstream-deadline").unstarted(r));
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /**
   * The upstream's connection pool. Transaction submissions use a pool of their own that checks a
   * pooled connection before every use: a connection the upstream has closed would otherwise make a
   * submission look as if it may have arrived, and it would not be sent elsewhere.
   */
  private CloseableHttpAsyncClient client(Upstream upstream, boolean submission) {
    return (submission ? submitClients : clients)
        .computeIfAbsent(
            upstream,
            n -> {
              int connections =
                  upstream.settings().maxInFlight() > 0 ? upstream.settings().maxInFlight() : 1024;
              CloseableHttpAsyncClient client =
                  HttpAsyncClients.custom()
                      .setConnectionManager(
                          PoolingAsyncClientConnectionManagerBuilder.create()
                              .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                              .setMaxConnTotal(connections)
                              .setMaxConnPerRoute(connections)
                              .setDefaultTlsConfig(
                                  TlsConfig.custom()
                                      .setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1)
                                      .build())
                              .setDefaultConnectionConfig(
                                  ConnectionConfig.custom()
                                      .setConnectTimeout(Timeout.of(connectTimeout))
                                      .setValidateAfterInactivity(
                                          submission
                                              ? TimeValue.ZERO_MILLISECONDS
                                              : TimeValue.ofSeconds(2))
                                      .build())
                              .build())
                      .setIOReactorConfig(REACTOR)
                      .disableAutomaticRetries()
                      .disableRedirectHandling()
                      .disableCookieManagement()
                      .disableAuthCaching()
                      .evictIdleConnections(TimeValue.ofSeconds(30))
                      .build();
              client.start();
              return client;
            });
  }

  @Override
  public CompletableFuture<byte[]> send(
      Upstream upstream,
      byte[] payload,
      Duration timeout,
      String clientIp,
      String traceparent,
      boolean submission) {
    UpstreamSettings s = upstream.settings();
    if ("http".equalsIgnoreCase(s.url().getScheme())) {
      Http1Pool pool = plainPools.computeIfAbsent(upstream, this::plainPool);
      Http1Connection.Exchange exchange =
          new Http1Connection.Exchange(
              new Http1Response(maxResponseBytes),
              pool.request(payload, s.forwardClientIp() ? clientIp : null, traceparent),
              submission);
      pool.send(exchange);
      return withDeadline(exchange.answer, timeout, exchange::abort);
    }
    AsyncRequestBuilder post =
        AsyncRequestBuilder.post(s.url())
            .setEntity(AsyncEntityProducers.create(payload, ContentType.APPLICATION_JSON))
            .setHeader("Accept", "application/json");
    s.headers().forEach(post::setHeader);
    if (s.forwardClientIp() && clientIp != null) {
      post.setHeader("X-Forwarded-For", clientIp);
    }
    if (Trace.valid(traceparent)) {
      post.setHeader("traceparent", traceparent);
    }
    HttpClientContext context = HttpClientContext.create();
    context.setRequestConfig(
        RequestConfig.custom()
            .setResponseTimeout(Timeout.of(timeout))
            .setConnectionRequestTimeout(Timeout.of(timeout))
            .build());
    CompletableFuture<byte[]> answer = new CompletableFuture<>();
    Future<byte[]> exchange =
        client(upstream, submission)
            .execute(
                post.build(),
                new HttpAnswers.Capped(maxResponseBytes),
                context,
                HttpAnswers.completing(answer, timeout));
    return withDeadline(answer, timeout, () -> exchange.cancel(true));
  }

  /**
   * Ends {@code answer} at its deadline; an answer that fails or times out abandons its exchange.
   */
  CompletableFuture<byte[]> withDeadline(
      CompletableFuture<byte[]> answer, Duration timeout, Runnable abandon) {
    ScheduledFuture<?> deadline =
        deadlines.schedule(
            () -> answer.completeExceptionally(HttpAnswers.timedOut(timeout)),
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    answer.whenComplete((body, failure) -> {
      deadline.cancel(false);
      if (failure != null) {
        abandon.run();
      }
    });
    return answer;
  }

  private Http1Pool plainPool(Upstream upstream) {
    UpstreamSettings s = upstream.settings();
    return new Http1Pool(s.url(), s.headers(), connectTimeout, deadlines, this::reactor);
  }

  /** The reactors of plain-HTTP connections, started with the first of them. */
  private Http1Reactor reactor() {
    Http1Reactor[] all = reactors.get();
    if (all == null) {
      Http1Reactor[] made = new Http1Reactor[REACTOR.getIoThreadCount()];
      for (int i = 0; i < made.length; i++) {
        made[i] = new Http1Reactor("rpcshield-upstream-io-" + i);
      }
      if (!reactors.compareAndSet(null, made)) {
        Stream.of(made).forEach(Http1Reactor::close);
      }
      all = reactors.get();
    }
    return all[Math.floorMod(nextReactor.getAndIncrement(), all.length)];
  }

  /**
   * Closes the upstream's pools once {@code after} has passed (the longest a request in flight can
   * still use them); a later request to it, if it is still configured, opens new ones.
   */
  void retire(Upstream upstream, Duration after) {
    Http1Pool plain = plainPools.remove(upstream);
    if (plain != null) {
      retirements.schedule(plain::retire, after.toMillis(), TimeUnit.MILLISECONDS);
    }
    List<CloseableHttpAsyncClient> pools =
        Stream.of(clients.remove(upstream), submitClients.remove(upstream))
            .filter(Objects::nonNull)
            .toList();
    if (!pools.isEmpty()) {
      retirements.schedule(
          () -> pools.forEach(c -> c.close(CloseMode.GRACEFUL)),
          after.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    retirements.shutdownNow();
    deadlines.shutdownNow();
    Stream.concat(clients.values().stream(), submitClients.values().stream())
        .forEach(c -> c.close(CloseMode.IMMEDIATE));
    plainPools.values().forEach(Http1Pool::retire);
    Http1Reactor[] all = reactors.getAndSet(new Http1Reactor[0]);
    if (all != null) {
      Stream.of(all).forEach(Http1Reactor::close);
    }
  }
}
