package dev.rpcshield.upstream;

import dev.rpcshield.config.Current;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.jsonrpc.UpstreamReply;
import dev.rpcshield.telemetry.EventLog;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * eth_subscribe over a shared upstream WebSocket per network. Clients get subscription ids issued
 * by the gateway; when a network's upstream connection drops, the gateway connects to that
 * network's next WebSocket upstream (checking its chain id first when the network names one),
 * subscribes again with each subscription's original params and maps the new upstream ids to the
 * ids clients already hold, so their subscriptions survive. Notifications emitted while switching
 * are lost (a gap, not a duplicate).
 */
@ApplicationScoped
public class Subscriptions {
  private static final Logger LOG = Logger.getLogger(Subscriptions.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();

  @Inject Upstreams upstreams;
  @Inject NotificationMeter meter;
  @Inject Current<SubscriptionCaps> caps;

  /** One client subscription, on one network's channel. */
  private static final class Sub {
    final String clientId;
    final ClientSink sink;
    final String params;
    final Channel channel;
    volatile String upstreamId;

    Sub(String clientId, ClientSink sink, String params, Channel channel, String upstreamId) {
      this.clientId = clientId;
      this.sink = sink;
      this.params = params;
      this.channel = channel;
      this.upstreamId = upstreamId;
    }
  }

  private final Map<String, Sub> byClientId = new ConcurrentHashMap<>();
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  private final SubscriptionSlots slots = new SubscriptionSlots();

  /** The gateway's one client for upstream WebSocket connections, shared by every network. */
  @Inject HttpClient client;

  private ScheduledExecutorService heartbeat;

  /**
   * Each network's upstream connection is pinged every half of its {@code
   * rpcshield.upstream.ws.timeout} and given up after a whole one without any answer.
   */
  @PostConstruct
  void start() {
    heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("rpcshield-ws-heartbeat").unstarted(r));
    for (Network n : upstreams.networks()) {
      Channel c = new Channel(n);
      channels.put(n.name(), c);
      Duration silence = n.config().webSocketTimeout();
      long every = Math.max(100, silence.toMillis() / 2);
      heartbeat.scheduleWithFixedDelay(
          () -> c.heartbeat(silence), every, every, TimeUnit.MILLISECONDS);
    }
  }

  @PreDestroy
  void stop() {
    heartbeat.shutdownNow();
    channels.values().forEach(Channel::close);
  }

  /**
   * After a reconfiguration: subscriptions on a removed WebSocket upstream move to another; on a
   * network left without any, their connections are ended (1011), so no subscriber waits in
   * silence.
   */
  public void reconcile() {
    channels.values().forEach(Channel::recheck);
  }

  /** Number of active client subscriptions on this instance. */
  public int active() {
    return byClientId.size();
  }

  /**
   * Answers an eth_subscribe call on {@code network}. Its slot under the caps is taken before the
   * call goes upstream, so calls in flight at once cannot pass them together. A subscription whose
   * connection was given up while its answer was on the way (a failover, or the network's last
   * WebSocket upstream removed) may have been missed by whoever moved or ended the others, so it is
   * dropped and the call gets -32011 instead of a subscription nothing would ever serve.
   */
  public byte[] subscribe(Network network, ClientSink sink, RpcCall call) {
    if (network.webSocketUpstreams().isEmpty()) {
      return RpcWriter.error(
          call.rawId(),
          RpcError.of(RpcErrorCode.NO_UPSTREAM, "no WebSocket upstream is configured"));
    }
    RpcError capped = slots.take(sink, caps.get());
    if (capped != null) {
      return RpcWriter.error(call.rawId(), capped);
    }
    Sub sub = null;
    boolean served = false;
    try {
      Channel channel = channels.get(network.name());
      String params = params(call);
      UpstreamSocket socket = channel.socket();
      UpstreamReply reply = channel.ask(socket, "eth_subscribe", params);
      UpstreamReply.Answer a = reply.answers().get(0);
      String upstreamId = a.isError() ? null : unquote(reply.resultJson(a));
      if (upstreamId == null) {
        return reply.withClientId(a, call.rawId());
      }
      String clientId = "0x" + HexFormat.of().formatHex(randomBytes());
      sub = new Sub(clientId, sink, params, channel, upstreamId);
      byClientId.put(clientId, sub);
      channel.byUpstreamId.put(upstreamId, sub);
      served = channel.current == socket;
      if (!served) {
        return failedUpstream(call);
      }
      return RpcWriter.result(call.rawId(), "\"" + clientId + "\"");
    } catch (Exception e) {
      return failedUpstream(call);
    } finally {
      if (sub == null) {
        slots.release(sink);
      } else if (!served || !sink.isOpen()) {
        remove(sub);
      }
    }
  }

  private static byte[] failedUpstream(RpcCall call) {
    return RpcWriter.error(
        call.rawId(), RpcError.of(RpcErrorCode.NO_UPSTREAM, "subscription failed upstream"));
  }

  /** Answers an eth_unsubscribe call: only the caller's own subscriptions can be removed. */
  public byte[] unsubscribe(ClientSink sink, RpcCall call) {
    String id = call.firstStringParam();
    Sub sub = id == null ? null : byClientId.get(id);
    if (sub == null || sub.sink != sink) {
      return RpcWriter.result(call.rawId(), "false");
    }
    remove(sub);
    return RpcWriter.result(call.rawId(), "true");
  }

  /** A client went away: its subscriptions end upstream too. */
  public void disconnected(ClientSink sink) {
    for (Sub sub : new ArrayList<>(byClientId.values())) {
      if (sub.sink == sink) {
        remove(sub);
      }
    }
  }

  private void remove(Sub sub) {
    if (byClientId.remove(sub.clientId, sub)) {
      slots.release(sub.sink);
    }
    String upstreamId = sub.upstreamId;
    if (upstreamId != null) {
      sub.channel.byUpstreamId.remove(upstreamId);
      UpstreamSocket socket = sub.channel.current;
      if (socket != null) {
        socket.request("eth_unsubscribe", "[\"" + upstreamId + "\"]");
      }
    }
  }

  /** One network's shared upstream connection and the subscriptions riding on it. */
  private final class Channel implements UpstreamSocket.Listener {
    final Network network;
    final Map<String, Sub> byUpstreamId = new ConcurrentHashMap<>();
    volatile UpstreamSocket current;

    /** Where {@link #current} is connected. */
    private URI currentUrl;

    Channel(Network network) {
      this.network = network;
    }

    void heartbeat(Duration silence) {
      UpstreamSocket s = current;
      if (s != null) {
        s.heartbeat(silence);
      }
    }

    /**
     * Moves the subscriptions off an upstream that is no longer configured (or now at another URL),
     * as on failover: same client ids, new upstream subscriptions. With no WebSocket upstream left
     * for the network, ends them instead.
     */
    void recheck() {
      if (network.webSocketUpstreams().isEmpty()) {
        close();
        endAll();
        return;
      }
      UpstreamSocket s;
      synchronized (this) {
        s = current;
        if (s == null || currentUrl.equals(network.webSocketUpstreams().get(s.name()))) {
          return;
        }
        current = null;
      }
      LOG.info(() -> "upstream WebSocket " + s.name() + " is no longer configured; moving");
      s.close();
      if (!byUpstreamId.isEmpty()) {
        Thread.ofVirtual().name("rpcshield-resubscribe").start(this::resubscribeAll);
      }
    }

    /**
     * The network has no WebSocket upstream left: nothing would reach these subscriptions again, so
     * each subscriber's connection is ended with the reason.
     */
    private void endAll() {
      Set<ClientSink> sinks = new HashSet<>();
      for (Sub sub : new ArrayList<>(byClientId.values())) {
        if (sub.channel == this) {
          remove(sub);
          sinks.add(sub.sink);
        }
      }
      if (!sinks.isEmpty()) {
        LOG.info(() ->
            "network "
                + network.name()
                + " has no WebSocket upstream left; ending "
                + sinks.size()
                + " subscribers' connections");
      }
      sinks.forEach(sink -> sink.end("no WebSocket upstream is configured for subscriptions"));
    }

    void close() {
      UpstreamSocket s = current;
      current = null;
      if (s != null) {
        s.close();
      }
    }

    UpstreamReply ask(UpstreamSocket socket, String method, String params) throws Exception {
      Duration timeout = network.config().webSocketTimeout();
      byte[] answer = socket.request(method, params).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return UpstreamReply.read(answer);
    }

    @Override
    public void onNotification(String upstreamSubscription, byte[] message, UpstreamSocket from) {
      Sub sub = byUpstreamId.get(upstreamSubscription);
      if (sub == null || from != current) {
        return;
      }
      if (!sub.sink.isOpen()) {
        remove(sub);
        return;
      }
      byte[] notification = withSubscriptionId(message, upstreamSubscription, sub.clientId);
      sub.sink.send(notification);
      meter.delivered(sub.sink.caller(), network.name(), notification.length);
    }

    @Override
    public void onClosed(UpstreamSocket socket, String reason) {
      if (socket != current) {
        return;
      }
      LOG.warning(() -> "upstream WebSocket " + socket.name() + " lost: " + reason);
      synchronized (this) {
        if (current == socket) {
          current = null;
        }
      }
      if (!byUpstreamId.isEmpty()) {
        Thread.ofVirtual().name("rpcshield-resubscribe").start(this::resubscribeAll);
      }
    }

    /** Moves every subscription to a live upstream, retrying until one answers or none is left. */
    private void resubscribeAll() {
      for (int round = 0; round < 60 && !byUpstreamId.isEmpty(); round++) {
        try {
          UpstreamSocket socket = socket();
          for (Sub sub : new ArrayList<>(byUpstreamId.values())) {
            resubscribe(socket, sub);
          }
          return;
        } catch (IOException e) {
          try {
            Thread.sleep(1000);
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }

    /**
     * Subscribes {@code sub} again on {@code socket}; one that ended meanwhile (unsubscribed, its
     * client gone, or refused by {@link #subscribe}) is ended there too, not left running upstream.
     */
    private void resubscribe(UpstreamSocket socket, Sub sub) {
      try {
        UpstreamReply reply = ask(socket, "eth_subscribe", sub.params);
        UpstreamReply.Answer a = reply.answers().get(0);
        String upstreamId = a.isError() ? null : unquote(reply.resultJson(a));
        if (upstreamId == null) {
          LOG.warning(() -> "could not move subscription " + sub.clientId + " to " + socket.name());
          return;
        }
        String old = sub.upstreamId;
        if (old != null) {
          byUpstreamId.remove(old);
        }
        sub.upstreamId = upstreamId;
        byUpstreamId.put(upstreamId, sub);
        if (byClientId.get(sub.clientId) != sub) {
          remove(sub);
        }
      } catch (Exception e) {
        LOG.warning(() -> "could not move subscription " + sub.clientId + ": " + e);
      }
    }

    /**
     * The live upstream connection, connecting in failover order, skipping upstreams out of
     * rotation and, on a network with a chain id, any whose eth_chainId is another chain's.
     */
    synchronized UpstreamSocket socket() throws IOException {
      UpstreamSocket s = current;
      if (s != null && s.isOpen()) {
        return s;
      }
      List<String> tried = new ArrayList<>();
      for (Map.Entry<String, URI> e : network.webSocketUpstreams().entrySet()) {
        if (!inRotation(e.getKey())) {
          tried.add(e.getKey() + ": out of service");
          continue;
        }
        UpstreamSocket socket;
        try {
          socket =
              UpstreamSocket.connect(
                  e.getKey(), e.getValue(), network.config().webSocketTimeout(), this, client);
        } catch (IOException failed) {
          tried.add(e.getKey() + ": cannot connect");
          continue;
        }
        String wrong = wrongChain(socket);
        if (wrong != null) {
          tried.add(e.getKey() + ": " + wrong);
          socket.close();
          continue;
        }
        current = socket;
        currentUrl = e.getValue();
        LOG.info(() ->
            "subscriptions of network "
                + network.name()
                + " served by upstream WebSocket "
                + socket.name());
        return socket;
      }
      throw new IOException("no WebSocket upstream: " + String.join("; ", tried));
    }

    /** Why a new connection may not serve this network (its chain), or null. */
    private String wrongChain(UpstreamSocket socket) {
      if (network.chainId() == 0) {
        return null;
      }
      long seen;
      try {
        seen = Upstreams.chainIdOf(ask(socket, "eth_chainId", "[]"));
      } catch (Exception e) {
        return "eth_chainId failed";
      }
      if (seen == network.chainId()) {
        return null;
      }
      String reason = "on chain " + seen + " but its network is chain " + network.chainId();
      EventLog.upstreamState(socket.name(), "CONNECTING", "WRONG_CHAIN", reason);
      return reason;
    }

    /** A WebSocket upstream named like an HTTP upstream shares that upstream's health. */
    private boolean inRotation(String name) {
      for (Upstream u : network.upstreams()) {
        if (u.name().equals(name)) {
          return u.breaker().inRotation();
        }
      }
      return true;
    }
  }

  private static final Pattern SUBSCRIPTION =
      Pattern.compile("\"subscription\"\\s*:\\s*\"([^\"]*)\"");

  static byte[] withSubscriptionId(byte[] message, String upstreamId, String clientId) {
    String text = new String(message, StandardCharsets.UTF_8);
    Matcher m = SUBSCRIPTION.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(upstreamId)) {
        return (text.substring(0, m.start(1)) + clientId + text.substring(m.end(1)))
            .getBytes(StandardCharsets.UTF_8);
      }
    }
    return message;
  }

  private static String params(RpcCall call) {
    byte[] p = call.rawParams();
    return p == null ? "[]" : new String(p, StandardCharsets.UTF_8);
  }

  private static String unquote(String json) {
    if (json == null || json.length() < 2 || json.charAt(0) != '"') {
      return null;
    }
    return json.substring(1, json.length() - 1);
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return b;
  }
}
