package dev.rpcshield.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.jsonrpc.UpstreamReply;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * eth_subscribe, with subscription ids issued by the gateway. newHeads and logs subscriptions are
 * built by the gateway from the network's blocks: per network, one follower of newHeads on each of
 * its WebSocket upstreams ({@link HeadFollowers}) and the head polls of all its upstreams feed one
 * sequence of blocks in order, without repeats or gaps ({@link HeadsInOrder}), which every such
 * subscription follows with its own (a logs subscription asking each block's logs, {@link
 * LogsOfBlocks}); no upstream subscription is made per client. Other kinds pass through a shared
 * upstream WebSocket per network: when it drops, the gateway connects to the network's next
 * WebSocket upstream (checking its chain id first when the network names one), subscribes again
 * with each subscription's original params and maps the new upstream ids to the ids clients already
 * hold, so their subscriptions survive; what is emitted while switching is lost (a gap, not a
 * duplicate).
 */
@ApplicationScoped
public class Subscriptions extends DirectBean {
  private static final Logger LOG = Logger.getLogger(Subscriptions.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What eth_getBlockByNumber gives beside a header, which a newHeads notification has not. */
  private static final Set<String> NOT_IN_A_HEADER =
      Set.of("transactions", "uncles", "size", "totalDifficulty", "withdrawals");

  @Inject Upstreams upstreams;
  @Inject NotificationMeter meter;

  /** The gateway's one client for upstream WebSocket connections, shared by every network. */
  @Inject HttpClient client;

  /** Where a subscription runs upstream: its id there, on which connection. */
  private record Upstreamed(String id, UpstreamSocket socket) {}

  /** One client subscription, on one network's channel. */
  private final class Sub {
    final String clientId;
    final ClientSink sink;
    final String params;
    final OnNetwork network;

    /** Where a pass-through subscription runs upstream; null for one built from blocks. */
    volatile Upstreamed upstream;

    /** A newHeads or logs subscription's blocks in order; null for another kind. */
    final HeadsInOrder heads;

    Sub(String clientId, ClientSink sink, Asked asked, OnNetwork network, Upstreamed upstream) {
      this.clientId = clientId;
      this.sink = sink;
      this.params = asked.upstreamParams();
      this.network = network;
      this.upstream = upstream;
      Network n = network.channel.network();
      byte[] clientIdBytes = clientId.getBytes(StandardCharsets.US_ASCII);
      HeadsInOrder.Follower follower =
          switch (asked.kind()) {
            case "newHeads" ->
                header -> {
                  deliver(this, notification(clientIdBytes, header));
                  return CompletableFuture.completedFuture(null);
                };
            case "logs" ->
                new LogsOfBlocks(
                    network::logs,
                    asked.filter(),
                    logs -> logs.forEach(log -> deliver(this, notification(clientIdBytes, log))));
            default -> null;
          };
      this.heads =
          follower == null
              ? null
              : new HeadsInOrder(
                  new HeadsInOrder.Lookups(network::header, network::headerOf, null),
                  follower,
                  n.config().backfillBlocks(),
                  clientId,
                  asked.from());
    }
  }

  /**
   * What a client's eth_subscribe asks for: its kind, the block it resumes from (-1: the next), a
   * logs subscription's filter, and the params a pass-through kind is subscribed with upstream.
   */
  record Asked(String kind, long from, ObjectNode filter, String upstreamParams) {
    /** Whether the gateway builds it from the network's blocks (newHeads and logs). */
    boolean fromBlocks() {
      return kind.equals("newHeads") || kind.equals("logs");
    }
  }

  /**
   * Reads an eth_subscribe's params.
   *
   * @throws IllegalArgumentException when a newHeads option or a logs filter is malformed, or the
   *     block it resumes from is older than the subscription can replay
   */
  static Asked asked(Network network, String params) {
    JsonNode tree;
    try {
      tree = JSON.readTree(params);
    } catch (IOException e) {
      return new Asked("", -1, null, params);
    }
    String kind = tree.isArray() ? tree.path(0).asText("") : "";
    if (kind.equals("newHeads")) {
      if (tree.size() < 2) {
        return new Asked(kind, -1, null, null);
      }
      JsonNode options = tree.get(1);
      if (!options.isObject() || options.size() != 1 || !options.path("fromBlock").isTextual()) {
        throw new IllegalArgumentException("newHeads takes only {\"fromBlock\": \"0x…\"}");
      }
      return new Asked(kind, from(network, options.get("fromBlock")), null, null);
    }
    if (kind.equals("logs")) {
      if (tree.size() > 2 || (tree.size() == 2 && !tree.get(1).isObject())) {
        throw new IllegalArgumentException("logs takes one filter object");
      }
      ObjectNode filter =
          tree.size() == 2 ? (ObjectNode) tree.get(1).deepCopy() : JSON.createObjectNode();
      LogsOfBlocks.check(filter);
      JsonNode fromBlock = filter.remove("fromBlock");
      filter.remove("toBlock");
      long from =
          fromBlock != null && fromBlock.isTextual() && fromBlock.asText().startsWith("0x")
              ? from(network, fromBlock)
              : -1;
      return new Asked(kind, from, filter, null);
    }
    return new Asked(kind, -1, null, params);
  }

  /** The block a subscription resumes from, within what it can replay. */
  private static long from(Network network, JsonNode fromBlock) {
    long block = dev.rpcshield.jsonrpc.Quantity.parse(fromBlock.asText());
    if (block < 0) {
      throw new IllegalArgumentException("fromBlock must be a hex block number");
    }
    long head = network.bestHead();
    int backfill = network.config().backfillBlocks();
    if (head >= 0 && block < head - backfill) {
      throw new IllegalArgumentException(
          "fromBlock "
              + fromBlock.asText()
              + " is older than the "
              + backfill
              + " blocks a subscription replays (head 0x"
              + Long.toHexString(head)
              + ")");
    }
    return block;
  }

  /**
   * The header of the block {@code eth_getBlockByNumber} or {@code eth_getBlockByHash} {@code call}
   * asks on {@code network}, as newHeads gives one; null if none.
   */
  private static CompletableFuture<JsonNode> header(Network network, RpcCall call) {
    return network
        .ask(call)
        .thenApply(block -> {
          if (block == null || !block.isObject()) {
            return null;
          }
          NOT_IN_A_HEADER.forEach(((ObjectNode) block)::remove);
          return block;
        });
  }

  private static final byte[] NOTIFICATION_HEAD =
      "{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscription\",\"params\":{\"subscription\":\""
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] NOTIFICATION_RESULT =
      "\",\"result\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] NOTIFICATION_END = "}}".getBytes(StandardCharsets.UTF_8);

  /**
   * The JSON of the headers and logs being delivered, written once for all their subscribers (who
   * are handed the very same objects), kept while those objects live.
   */
  private final Cache<JsonNode, byte[]> written =
      Caffeine.newBuilder().weakKeys().maximumSize(4096).build();

  private byte[] notification(byte[] clientId, JsonNode result) {
    byte[] json = written.get(result, r -> r.toString().getBytes(StandardCharsets.UTF_8));
    byte[] m =
        new byte
            [NOTIFICATION_HEAD.length
                + clientId.length
                + NOTIFICATION_RESULT.length
                + json.length
                + NOTIFICATION_END.length];
    int at = 0;
    for (byte[] part : new byte[][] {NOTIFICATION_HEAD, clientId, NOTIFICATION_RESULT, json}) {
      System.arraycopy(part, 0, m, at, part.length);
      at += part.length;
    }
    System.arraycopy(NOTIFICATION_END, 0, m, at, NOTIFICATION_END.length);
    return m;
  }

  private void deliver(Sub sub, byte[] notification) {
    sub.sink.send(notification);
    meter.delivered(sub.sink.caller(), sub.network.channel.network().name(), notification.length);
  }

  /** How long a network's blocks are still followed after its last subscription to them ended. */
  static final Duration LINGER = Duration.ofSeconds(30);

  private final Map<String, Sub> byClientId = new ConcurrentHashMap<>();
  private final Map<String, OnNetwork> networks = new ConcurrentHashMap<>();
  private final SubscriptionSlots slots = new SubscriptionSlots();

  /** Pings the upstream connections and makes lost ones again. */
  private ScheduledExecutorService timer;

  @PostConstruct
  void start() {
    start(
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("rpcshield-ws-upstream").unstarted(r)));
  }

  /**
   * Each network's upstream connection is pinged on {@code timer} every half of its {@code
   * rpcshield.upstream.ws.timeout}, given up after a whole one without any answer, and made again
   * there after a loss.
   */
  void start(ScheduledExecutorService timer) {
    this.timer = timer;
    for (Network n : upstreams.networks()) {
      OnNetwork on = new OnNetwork(n, timer);
      networks.put(n.name(), on);
      n.onBestHead(on::reached);
      long every = Math.max(100, n.config().webSocketTimeout().toMillis() / 2);
      timer.scheduleWithFixedDelay(on::heartbeat, every, every, TimeUnit.MILLISECONDS);
    }
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
    networks.values().forEach(OnNetwork::close);
  }

  /**
   * After a reconfiguration: subscriptions on a removed WebSocket upstream move to another; on a
   * network left without any, their connections are ended (1011), so no subscriber waits in
   * silence.
   */
  public void reconcile() {
    networks.values().forEach(OnNetwork::recheck);
  }

  /** Number of active client subscriptions on this instance. */
  public int active() {
    return byClientId.size();
  }

  /**
   * Answers an eth_subscribe call on {@code network}. Its slot under {@code caps} (those of the
   * configuration the call's request began under) is taken first, so calls in flight at once cannot
   * pass them together. A newHeads or logs subscription follows the network's blocks at once, with
   * or without a WebSocket upstream. Another kind is subscribed upstream; one whose connection was
   * given up while its answer was on the way (a failover, or the network's last WebSocket upstream
   * removed) may have been missed by whoever moved or ended the others, so it is dropped and the
   * call gets -32011 instead of a subscription nothing would ever serve. The call waits for the
   * connection and the answer without holding any lock. An error the gateway answers with names the
   * request ({@code requestId}) in its {@code data}.
   */
  public byte[] subscribe(
      Network network, ClientSink message, RpcCall call, SubscriptionCaps caps, String requestId) {
    ClientSink sink = message.connection();
    Asked asked;
    try {
      asked = asked(network, SubscriptionFrames.params(call));
    } catch (IllegalArgumentException e) {
      return RpcWriter.error(
          call.rawId(), RpcError.of(RpcErrorCode.INVALID_PARAMS, e.getMessage()), requestId);
    }
    if (!asked.fromBlocks() && network.webSocketUpstreams().isEmpty()) {
      return RpcWriter.error(
          call.rawId(),
          RpcError.of(RpcErrorCode.NO_UPSTREAM, "no WebSocket upstream is configured"),
          requestId);
    }
    RpcError capped = slots.take(sink, caps);
    if (capped != null) {
      return RpcWriter.error(call.rawId(), capped, requestId);
    }
    if (asked.fromBlocks()) {
      return follow(network, message, call, asked, requestId);
    }
    Sub sub = null;
    boolean served = false;
    try {
      OnNetwork on = networks.get(network.name());
      UpstreamChannel channel = on.channel;
      String params = asked.upstreamParams();
      Duration wait = channel.connectWait().plus(network.config().webSocketTimeout());
      Map.Entry<UpstreamSocket, UpstreamReply> answered =
          channel
              .socket()
              .thenCompose(
                  s -> channel.ask(s, "eth_subscribe", params).thenApply(r -> Map.entry(s, r)))
              .get(wait.toMillis(), TimeUnit.MILLISECONDS);
      UpstreamSocket socket = answered.getKey();
      UpstreamReply reply = answered.getValue();
      String upstreamId = SubscriptionFrames.upstreamId(reply);
      if (upstreamId == null) {
        return reply.withClientId(reply.answers().get(0), call.rawId());
      }
      String clientId = SubscriptionFrames.clientId();
      sub = new Sub(clientId, sink, asked, on, new Upstreamed(upstreamId, socket));
      byClientId.put(clientId, sub);
      on.byUpstreamId.put(upstreamId, sub);
      served = channel.current() == socket;
      if (!served) {
        return failedUpstream(call, requestId);
      }
      return RpcWriter.result(call.rawId(), "\"" + clientId + "\"");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failedUpstream(call, requestId);
    } catch (Exception e) {
      return failedUpstream(call, requestId);
    } finally {
      if (sub == null) {
        slots.release(sink);
      } else if (!served || !sink.isOpen()) {
        remove(sub);
      }
    }
  }

  /**
   * A newHeads or logs subscription, following the network's blocks from the head known now (or the
   * block it resumes from) once its id has gone out.
   */
  private byte[] follow(
      Network network, ClientSink message, RpcCall call, Asked asked, String requestId) {
    OnNetwork on = networks.get(network.name());
    String clientId = SubscriptionFrames.clientId();
    Sub sub;
    try {
      sub = new Sub(clientId, message.connection(), asked, on, null);
    } catch (RuntimeException e) {
      slots.release(message.connection());
      LOG.log(Level.WARNING, "subscription " + requestId + " could not start", e);
      return failedUpstream(call, requestId);
    }
    byClientId.put(clientId, sub);
    try {
      on.follow(sub);
    } catch (RuntimeException e) {
      remove(sub);
      LOG.log(Level.WARNING, "subscription " + requestId + " could not start", e);
      return failedUpstream(call, requestId);
    }
    if (!sub.sink.isOpen()) {
      remove(sub);
    }
    message.afterAnswer(() -> sub.heads.release(network.bestHead()));
    return RpcWriter.result(call.rawId(), "\"" + clientId + "\"");
  }

  private static byte[] failedUpstream(RpcCall call, String requestId) {
    return RpcWriter.error(
        call.rawId(),
        RpcError.of(RpcErrorCode.NO_UPSTREAM, "subscription failed upstream"),
        requestId);
  }

  /** Answers an eth_unsubscribe call: only the caller's own subscriptions can be removed. */
  public byte[] unsubscribe(ClientSink sink, RpcCall call) {
    String id = call.firstStringParam();
    Sub sub = id == null ? null : byClientId.get(id);
    if (sub == null || sub.sink != sink.connection()) {
      return RpcWriter.result(call.rawId(), "false");
    }
    remove(sub);
    return RpcWriter.result(call.rawId(), "true");
  }

  /** A client went away: its subscriptions end upstream too. */
  public void disconnected(ClientSink sink) {
    for (Sub sub : new ArrayList<>(byClientId.values())) {
      if (sub.sink == sink.connection()) {
        remove(sub);
      }
    }
  }

  /** Ends {@code sub} here and on the connection it runs on upstream. */
  private void remove(Sub sub) {
    if (sub.heads != null) {
      sub.heads.close();
      sub.network.unfollow(sub);
    }
    if (byClientId.remove(sub.clientId, sub)) {
      slots.release(sub.sink);
    }
    Upstreamed upstream = sub.upstream;
    if (upstream == null) {
      return;
    }
    sub.network.byUpstreamId.remove(upstream.id());
    upstream.socket().request("eth_unsubscribe", "[\"" + upstream.id() + "\"]");
  }

  /**
   * The subscriptions on one network: the pass-through ones riding its upstream channel, the ones
   * built from blocks following its sequence of blocks.
   */
  private final class OnNetwork implements UpstreamChannel.Riders {
    final Map<String, Sub> byUpstreamId = new ConcurrentHashMap<>();
    final UpstreamChannel channel;

    /**
     * The subscriptions built from blocks; the network's blocks are followed while there are any.
     */
    private final Set<Sub> following = ConcurrentHashMap.newKeySet();

    /** Every WebSocket upstream's newHeads, while blocks are followed. */
    private final HeadFollowers followers;

    /**
     * The network's blocks in order, once each, from the followers and the head polls, handed to
     * every subscription built from them; null while none is.
     */
    private volatile HeadsInOrder blocks;

    private final ScheduledExecutorService timer;

    /** Whether a check that stops following the blocks once no subscription needs them waits. */
    private boolean stopping;

    OnNetwork(Network network, ScheduledExecutorService timer) {
      this.timer = timer;
      UpstreamDialer dialer = new UpstreamDialer(network, client);
      channel = new UpstreamChannel(network, dialer, timer, this);
      followers =
          new HeadFollowers(
              network,
              dialer,
              timer,
              header -> {
                HeadsInOrder b = blocks;
                if (b != null) {
                  b.arrived(header);
                }
              });
    }

    /** {@code sub} follows the network's blocks from now on; the first one starts them. */
    synchronized void follow(Sub sub) {
      if (blocks == null) {
        Network network = channel.network();
        HeadsInOrder.Follower everyone =
            header -> {
              for (Sub s : following) {
                s.heads.arrived(header);
              }
              return CompletableFuture.completedFuture(null);
            };
        HeadsInOrder b =
            new HeadsInOrder(
                new HeadsInOrder.Lookups(this::header, this::headerOf, this::canonical),
                everyone,
                network.config().backfillBlocks(),
                "of network " + network.name(),
                -1);
        b.release(-1);
        b.reached(network.bestHead());
        blocks = b;
        followers.start();
      }
      following.add(sub);
    }

    /**
     * {@code sub} follows no more. With the last one gone, the network's blocks are followed for
     * {@link #LINGER} more, so a client that subscribes and unsubscribes in a loop does not make
     * the gateway connect to every WebSocket upstream each time.
     */
    synchronized void unfollow(Sub sub) {
      if (following.remove(sub) && following.isEmpty() && !stopping) {
        stopping = true;
        try {
          timer.schedule(this::stopIfIdle, LINGER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shutDown) {
          stopIfIdle();
        }
      }
    }

    /** Stops following the blocks when no subscription has needed them since {@link #unfollow}. */
    synchronized void stopIfIdle() {
      stopping = false;
      if (!following.isEmpty() || blocks == null) {
        return;
      }
      followers.stop();
      blocks.close();
      blocks = null;
    }

    void heartbeat() {
      channel.heartbeat();
      followers.heartbeat();
    }

    void close() {
      channel.close();
      followers.stop();
    }

    /**
     * Headers by number, fetched once for every subscription of the network; kept a few seconds
     * only, as a reorg may give a number another block.
     */
    final Cache<Long, CompletableFuture<JsonNode>> headers =
        Caffeine.newBuilder().maximumSize(1024).expireAfterWrite(Duration.ofSeconds(2)).build();

    /** Headers by hash, fetched once for every subscription of the network. */
    final Cache<String, CompletableFuture<JsonNode>> headersByHash =
        Caffeine.newBuilder().maximumSize(1024).expireAfterWrite(Duration.ofMinutes(1)).build();

    /** Logs by block hash and filter, fetched once for every subscription with that filter. */
    final Cache<String, CompletableFuture<JsonNode>> logs =
        Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)).build();

    CompletableFuture<JsonNode> header(long number) {
      return shared(headers, number, () -> canonical(number));
    }

    /** The header of block {@code number} asked now, not shared. */
    CompletableFuture<JsonNode> canonical(long number) {
      RpcCall call =
          RpcCall.of("eth_getBlockByNumber", "[\"0x" + Long.toHexString(number) + "\",false]");
      return Subscriptions.header(channel.network(), call);
    }

    CompletableFuture<JsonNode> headerOf(String hash) {
      RpcCall call = RpcCall.of("eth_getBlockByHash", "[\"" + hash + "\",false]");
      return shared(headersByHash, hash, () -> Subscriptions.header(channel.network(), call));
    }

    CompletableFuture<JsonNode> logs(String blockHash, ObjectNode filter) {
      return shared(
          logs, blockHash + filter, () -> LogsOfBlocks.fetch(channel.network(), blockHash, filter));
    }

    /** The one fetch of {@code key}; a fetch that failed or found nothing is not kept. */
    private <K> CompletableFuture<JsonNode> shared(
        Cache<K, CompletableFuture<JsonNode>> cache,
        K key,
        java.util.function.Supplier<CompletableFuture<JsonNode>> fetch) {
      CompletableFuture<JsonNode> f = cache.get(key, k -> fetch.get());
      f.whenComplete((v, t) -> {
        if (t != null || v == null) {
          cache.asMap().remove(key, f);
        }
      });
      return f;
    }

    /** A head poll showed {@code head}: the network's blocks follow up to it. */
    void reached(long head) {
      HeadsInOrder b = blocks;
      if (b != null) {
        b.reached(head);
      }
    }

    /**
     * Follows the newHeads of the WebSocket upstreams configured now. Moves the pass-through
     * subscriptions off an upstream that is no longer configured (or now at another URL), as on
     * failover: same client ids, new upstream subscriptions. With no WebSocket upstream left for
     * the network, ends those instead (the ones built from blocks go on from the head polls).
     */
    void recheck() {
      followers.recheck();
      if (!channel.network().webSocketUpstreams().isEmpty()) {
        channel.recheck();
        return;
      }
      channel.close();
      Set<ClientSink> sinks = new HashSet<>();
      for (Sub sub : new ArrayList<>(byClientId.values())) {
        if (sub.network == this && sub.upstream != null) {
          remove(sub);
          sinks.add(sub.sink);
        }
      }
      if (!sinks.isEmpty()) {
        LOG.info(() ->
            "network "
                + channel.network().name()
                + " has no WebSocket upstream left; ending "
                + sinks.size()
                + " subscribers' connections");
      }
      sinks.forEach(sink -> sink.end("no WebSocket upstream is configured for subscriptions"));
    }

    @Override
    public boolean any() {
      return !byUpstreamId.isEmpty();
    }

    @Override
    public void notification(String upstreamSubscription, byte[] message) {
      Sub sub = byUpstreamId.get(upstreamSubscription);
      if (sub == null) {
        return;
      }
      if (!sub.sink.isOpen()) {
        remove(sub);
        return;
      }
      deliver(
          sub, SubscriptionFrames.withSubscriptionId(message, upstreamSubscription, sub.clientId));
    }

    /** Subscribes everything not yet on {@code socket} again there, without waiting for it. */
    @Override
    public void moveTo(UpstreamSocket socket) {
      for (Sub sub : new ArrayList<>(byUpstreamId.values())) {
        if (sub.upstream.socket() != socket) {
          channel
              .ask(socket, "eth_subscribe", sub.params)
              .whenComplete((reply, failed) -> moved(sub, socket, reply, failed));
        }
      }
    }

    /**
     * {@code sub} now runs on {@code socket}; one that ended meanwhile (unsubscribed, its client
     * gone, or refused by {@link #subscribe}) is ended there too, not left running upstream.
     */
    private void moved(Sub sub, UpstreamSocket socket, UpstreamReply reply, Throwable failed) {
      if (failed != null) {
        LOG.warning(() -> "could not move subscription " + sub.clientId + ": " + failed);
        return;
      }
      String upstreamId = SubscriptionFrames.upstreamId(reply);
      if (upstreamId == null) {
        LOG.warning(() -> "could not move subscription " + sub.clientId + " to " + socket.name());
        return;
      }
      byUpstreamId.remove(sub.upstream.id());
      sub.upstream = new Upstreamed(upstreamId, socket);
      byUpstreamId.put(upstreamId, sub);
      if (byClientId.get(sub.clientId) != sub) {
        remove(sub);
      }
    }
  }
}
