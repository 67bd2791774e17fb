package dev.rpcshield.ws;

import dev.rpcshield.config.Current;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.config.Generation;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.limit.ConnectionLeases;
import dev.rpcshield.limit.Limits;
import dev.rpcshield.pipeline.Pipeline;
import dev.rpcshield.telemetry.MetricNames;
import dev.rpcshield.telemetry.RequestMetrics;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Subscriptions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Turns an HTTP upgrade request on a JSON-RPC path into a WebSocket connection served by {@link
 * RpcSocket}, after identity has been resolved from the upgrade request. The connection keeps the
 * socket settings of the configuration its upgrade request began under; each of its messages is a
 * request of its own, under the generation in effect when it arrives.
 */
@ApplicationScoped
public class SocketUpgrade extends DirectBean {
  @Inject Pipeline pipeline;
  @Inject Current<Generation> generations;
  @Inject Subscriptions subscriptions;
  @Inject RequestMetrics metrics;
  @Inject MetricRegistry registry;
  @Inject Limits limits;

  private final AtomicInteger open = new AtomicInteger();

  private ScheduledExecutorService pinger;

  @PostConstruct
  void init() {
    pipeline = DirectBean.of(pipeline);
    subscriptions = DirectBean.of(subscriptions);
    metrics = DirectBean.of(metrics);
    limits = DirectBean.of(limits);
    pinger =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("rpcshield-ws-ping").unstarted(r));
    registry.gauge(MetricNames.metadata(MetricNames.WS_CONNECTIONS), open, AtomicInteger::get);
    registry.gauge(
        MetricNames.metadata(MetricNames.WS_SUBSCRIPTIONS), subscriptions, Subscriptions::active);
  }

  /** Open client connections on this instance. */
  public int openConnections() {
    return open.get();
  }

  @PreDestroy
  void stop() {
    pinger.shutdownNow();
  }

  /**
   * Upgrades the request, or returns why not (class {@code ws-connections}), for the ingress to
   * record and answer: the caller is at its connection cap (counted across instances when Redis is
   * configured). {@code settings} are those of the generation the upgrade request began under.
   */
  public Refusal upgrade(
      HttpServletRequest req,
      HttpServletResponse resp,
      Caller caller,
      Network network,
      SocketSettings settings)
      throws IOException {
    int cap =
        caller.account() == null
            ? settings.anonymousConnections()
            : caller.account().limits().wsConnections();
    String key =
        caller.account() == null
            ? "ws:ip:" + caller.clientIp()
            : "ws:acct:" + caller.account().accountId();
    String lease = UUID.randomUUID().toString();
    if (cap > 0 && !limits.leases().acquire(key, lease, cap, settings.leaseTtl())) {
      return Refusal.of(
          RpcError.of(
              RpcErrorCode.RATE_LIMITED,
              "at most " + cap + " WebSocket connections for this caller"),
          "ws-connections");
    }
    Slot slot = cap > 0 ? new Slot(limits.leases(), key, lease, settings.leaseTtl()) : null;
    ServerContainer container =
        (ServerContainer) req.getServletContext().getAttribute(ServerContainer.class.getName());
    ServerEndpointConfig config =
        ServerEndpointConfig.Builder.create(RpcSocket.class, req.getRequestURI())
            .configurator(
                new ServerEndpointConfig.Configurator() {
                  @Override
                  public <T> T getEndpointInstance(Class<T> type) {
                    return type.cast(
                        new RpcSocket(
                            pipeline,
                            subscriptions,
                            settings,
                            pinger,
                            caller,
                            network,
                            generations,
                            open,
                            metrics,
                            slot));
                  }
                })
            .build();
    try {
      container.upgradeHttpToWebSocket(req, resp, config, Map.of());
      return null;
    } catch (DeploymentException | IOException | RuntimeException e) {
      if (slot != null) {
        slot.release();
      }
      throw new IOException("WebSocket upgrade failed", e);
    }
  }

  /** A held connection slot: renewed while the connection is open, released when it closes. */
  record Slot(ConnectionLeases leases, String key, String lease, Duration ttl) {
    void renew() {
      leases.renew(key, lease, ttl);
    }

    void release() {
      leases.release(key, lease);
    }
  }
}
