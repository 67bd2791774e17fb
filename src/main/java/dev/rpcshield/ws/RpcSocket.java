package dev.rpcshield.ws;

import dev.rpcshield.config.Current;
import dev.rpcshield.config.Generation;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.pipeline.GatewayReply;
import dev.rpcshield.pipeline.Pipeline;
import dev.rpcshield.pipeline.Request;
import dev.rpcshield.telemetry.RequestIds;
import dev.rpcshield.telemetry.RequestMetrics;
import dev.rpcshield.upstream.ClientSink;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Subscriptions;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client's JSON-RPC WebSocket connection. It only translates: each text or binary message (read
 * as UTF-8 JSON) goes to the same {@link Pipeline} as an HTTP body, on a virtual thread, under the
 * configuration generation in effect when it arrived, and the answer is queued back. A bad message
 * gets an error message; the connection stays open.
 */
public final class RpcSocket extends Endpoint {
  private static final Logger LOG = Logger.getLogger(RpcSocket.class.getName());

  private final Pipeline pipeline;
  private final Subscriptions subscriptions;
  private final SocketSettings settings;
  private final ScheduledExecutorService pinger;
  private final Caller caller;
  private final Network network;
  private final Current<Generation> serving;
  private final Semaphore inFlight;
  private final AtomicInteger openConnections;
  private final RequestMetrics metrics;
  private final SocketUpgrade.Slot slot;
  private ScheduledFuture<?> renewal;
  private Sink sink;
  private ScheduledFuture<?> ping;

  RpcSocket(
      Pipeline pipeline,
      Subscriptions subscriptions,
      SocketSettings settings,
      ScheduledExecutorService pinger,
      Caller caller,
      Network network,
      Current<Generation> serving,
      AtomicInteger openConnections,
      RequestMetrics metrics,
      SocketUpgrade.Slot slot) {
    this.pipeline = pipeline;
    this.subscriptions = subscriptions;
    this.settings = settings;
    this.pinger = pinger;
    this.caller = caller;
    this.network = network;
    this.serving = serving;
    this.inFlight = new Semaphore(settings.maxInFlight());
    this.openConnections = openConnections;
    this.metrics = metrics;
    this.slot = slot;
  }

  @Override
  public void onOpen(Session session, EndpointConfig config) {
    session.setMaxTextMessageBufferSize(settings.maxMessageBytes());
    session.setMaxIdleTimeout(settings.idleTimeout().toMillis());
    sink = new Sink(session, settings.maxQueued(), caller);
    openConnections.incrementAndGet();
    session.setMaxBinaryMessageBufferSize(settings.maxMessageBytes());
    session.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::onText);
    session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) this::onBinary);
    long every = settings.pingInterval().toMillis();
    ping = pinger.scheduleAtFixedRate(this::ping, every, every, TimeUnit.MILLISECONDS);
    if (slot != null) {
      long renew = Math.max(1000, settings.leaseTtl().toMillis() / 3);
      renewal =
          pinger.scheduleAtFixedRate(
              () -> Thread.ofVirtual().start(slot::renew), renew, renew, TimeUnit.MILLISECONDS);
    }
  }

  private void onText(String text) {
    onMessage(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A binary frame is read as the UTF-8 bytes of a JSON-RPC body, like a text frame. */
  private void onBinary(ByteBuffer data) {
    byte[] body = new byte[data.remaining()];
    data.get(body);
    onMessage(body);
  }

  private void onMessage(byte[] body) {
    metrics.socketMessage();
    if (body.length > settings.maxMessageBytes()) {
      try {
        sink.session.close(
            new CloseReason(
                CloseReason.CloseCodes.TOO_BIG,
                "message larger than " + settings.maxMessageBytes() + " bytes"));
      } catch (IOException e) {
        LOG.log(Level.FINE, "close failed", e);
      }
      return;
    }
    Request request =
        new Request(body, body.length, caller, new MessageSink(sink), network, serving.get(), null);
    if (!inFlight.tryAcquire()) {
      GatewayReply refused =
          pipeline.refuse(
              request,
              Refusal.of(
                  RpcError.of(
                      RpcErrorCode.RATE_LIMITED,
                      "more than "
                          + settings.maxInFlight()
                          + " requests in flight on this connection"),
                  "ws-in-flight"));
      if (refused.body().length > 0) {
        sink.send(refused.body());
      }
      return;
    }
    Runnable serve = () -> serve(request);
    if (pipeline.blocks()) {
      Thread.ofVirtual().start(serve);
    } else {
      serve.run();
    }
  }

  /** Serves one message; the answer goes out from whichever thread completes it. */
  private void serve(Request request) {
    pipeline
        .serve(request)
        .whenComplete((done, failure) -> {
          byte[] answer;
          if (failure == null) {
            answer = done.body();
          } else {
            String requestId = RequestIds.next();
            LOG.log(Level.WARNING, "WebSocket message " + requestId + " failed", failure);
            answer = RpcWriter.error(null, RpcError.of(RpcErrorCode.INTERNAL_ERROR), requestId);
          }
          // Free before the answer goes out: a client that sends its next request as soon as it
          // reads this answer is within the cap (the write queue has its own bound).
          inFlight.release();
          try {
            if (answer.length > 0) {
              sink.send(answer);
            }
          } finally {
            ((MessageSink) request.sink()).answered();
          }
        });
  }

  private void ping() {
    if (sink.isOpen()) {
      try {
        sink.session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
      } catch (IOException | IllegalStateException e) {
        LOG.log(Level.FINE, "ping failed", e);
      }
    }
  }

  @Override
  public void onClose(Session session, CloseReason reason) {
    if (ping != null) {
      ping.cancel(false);
    }
    openConnections.decrementAndGet();
    if (renewal != null) {
      renewal.cancel(false);
    }
    if (slot != null) {
      slot.release();
    }
    subscriptions.disconnected(sink);
  }

  @Override
  public void onError(Session session, Throwable error) {
    LOG.log(Level.FINE, "WebSocket error", error);
  }

  /**
   * One message's view of its connection: what it sends goes to the connection, and what must wait
   * for its answer ({@link ClientSink#afterAnswer}) runs once the answer is queued.
   */
  static final class MessageSink implements ClientSink {
    private final Sink connection;
    private List<Runnable> afterAnswer;
    private boolean answered;

    MessageSink(Sink connection) {
      this.connection = connection;
    }

    @Override
    public void send(byte[] message) {
      connection.send(message);
    }

    @Override
    public void end(String reason) {
      connection.end(reason);
    }

    @Override
    public boolean isOpen() {
      return connection.isOpen();
    }

    @Override
    public Caller caller() {
      return connection.caller();
    }

    @Override
    public ClientSink connection() {
      return connection;
    }

    @Override
    public void afterAnswer(Runnable task) {
      synchronized (this) {
        if (!answered) {
          if (afterAnswer == null) {
            afterAnswer = new ArrayList<>(1);
          }
          afterAnswer.add(task);
          return;
        }
      }
      task.run();
    }

    /** The answer is queued: what waited for it runs. */
    void answered() {
      List<Runnable> tasks;
      synchronized (this) {
        answered = true;
        tasks = afterAnswer;
        afterAnswer = null;
      }
      if (tasks != null) {
        tasks.forEach(Runnable::run);
      }
    }
  }

  /**
   * Writes messages one at a time from a bounded queue; a client that lets the queue fill up is not
   * reading and is disconnected instead of growing the heap.
   */
  static final class Sink implements ClientSink {
    private final Session session;
    private final int maxQueued;
    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();

    private final Caller caller;

    Sink(Session session, int maxQueued, Caller caller) {
      this.session = session;
      this.maxQueued = maxQueued;
      this.caller = caller;
    }

    @Override
    public Caller caller() {
      return caller;
    }

    @Override
    public boolean isOpen() {
      return session.isOpen();
    }

    /** Closes with 1011: the gateway cannot go on serving what the client asked of it. */
    @Override
    public void end(String reason) {
      try {
        session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, reason));
      } catch (IOException e) {
        LOG.log(Level.FINE, "close failed", e);
      }
    }

    @Override
    public void send(byte[] message) {
      if (!session.isOpen()) {
        return;
      }
      if (queued.incrementAndGet() > maxQueued) {
        queue.clear();
        try {
          session.close(
              new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "client is not reading"));
        } catch (IOException e) {
          LOG.log(Level.FINE, "close failed", e);
        }
        return;
      }
      queue.add(new String(message, StandardCharsets.UTF_8));
      drain();
    }

    private void drain() {
      if (!writing.compareAndSet(false, true)) {
        return;
      }
      String next = queue.poll();
      if (next == null) {
        writing.set(false);
        if (!queue.isEmpty()) {
          drain();
        }
        return;
      }
      try {
        session
            .getAsyncRemote()
            .sendText(
                next,
                result -> {
                  queued.decrementAndGet();
                  writing.set(false);
                  drain();
                });
      } catch (IllegalStateException e) {
        writing.set(false);
      }
    }
  }
}
