package dev.rpcshield.upstream;

import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamTransport.UpstreamException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One keep-alive connection to a plain-HTTP upstream, registered with its reactor for reading for
 * its whole life. A request is written from the caller's thread in one gathering write (the rest,
 * if the socket takes less, by the reactor); its answer is read and completed on the reactor's
 * thread, and the connection goes back to its pool before the answer is handed on. Whoever ends an
 * exchange first (the answer, a failure, the deadline, a cancel) wins it by one compare-and-set; a
 * connection whose exchange ended any other way than by a whole answer is closed, never reused.
 */
final class Http1Connection {

  /** One request on its way and the answer it waits for. */
  static final class Exchange {
    final CompletableFuture<byte[]> answer = new CompletableFuture<>();
    final Http1Response response;
    final ByteBuffer[] request;
    final boolean submission;
    volatile Http1Connection connection;

    Exchange(Http1Response response, ByteBuffer[] request, boolean submission) {
      this.response = response;
      this.request = request;
      this.submission = submission;
    }

    /** Ends the exchange from outside (its deadline, a cancel): its connection is closed. */
    void abort() {
      Http1Connection c = connection;
      if (c != null && c.current.compareAndSet(this, null)) {
        c.close();
      }
    }

    private boolean written() {
      return !request[request.length - 1].hasRemaining();
    }
  }

  /** What an idle connection's exchange becomes when the reactor closes it: no caller takes it. */
  private static final Exchange CLOSED = new Exchange(null, null, false);

  private final SocketChannel channel;
  private final Http1Reactor reactor;
  private final Http1Pool pool;
  private final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
  private final AtomicReference<Exchange> current = new AtomicReference<>();
  private SelectionKey key;
  private volatile boolean connected;
  private volatile boolean closed;

  Http1Connection(SocketChannel channel, Http1Reactor reactor, Http1Pool pool, Exchange first) {
    this.channel = channel;
    this.reactor = reactor;
    this.pool = pool;
    first.connection = this;
    current.set(first);
  }

  boolean isOpen() {
    return !closed;
  }

  /** On the reactor: watches the new connection, and writes its first request once connected. */
  void register(boolean alreadyConnected) {
    try {
      key =
          channel.register(
              reactor.selector(),
              alreadyConnected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT,
              this);
    } catch (IOException | RuntimeException e) {
      failed(current.get(), new ConnectException("connection refused"));
      return;
    }
    if (alreadyConnected) {
      connected();
    }
  }

  /**
   * On a caller's thread: sends {@code exchange} on this idle, registered connection; false when
   * the reactor closed it first.
   */
  boolean start(Exchange exchange) {
    exchange.connection = this;
    if (!current.compareAndSet(null, exchange)) {
      return false;
    }
    if (!write(exchange)) {
      reactor.execute(this::watchWrites);
    }
    return true;
  }

  /** The connect timer: a connection not made in time fails its exchange. */
  void connectTimedOut(Exchange exchange) {
    if (!connected) {
      fail(exchange, new UpstreamException(Kind.CONNECT, "connect timed out"));
    }
  }

  /** On the reactor: what the selector saw. */
  void ready(SelectionKey k) {
    try {
      if (k.isConnectable()) {
        channel.finishConnect();
        k.interestOps(SelectionKey.OP_READ);
        connected();
      }
      if (k.isValid() && k.isWritable()) {
        Exchange exchange = current.get();
        if ((exchange == null || write(exchange)) && k.isValid()) {
          k.interestOps(SelectionKey.OP_READ);
        }
      }
      if (k.isValid() && k.isReadable()) {
        read();
      }
    } catch (IOException e) {
      failed(current.get(), e);
    } catch (RuntimeException e) {
      failed(current.get(), new IOException("connection failed"));
    }
  }

  private void connected() {
    connected = true;
    Exchange exchange = current.get();
    if (exchange != null && !write(exchange)) {
      watchWrites();
    }
  }

  private void watchWrites() {
    if (key != null && key.isValid()) {
      key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }
  }

  /** Writes what the socket takes; true when the whole request is out. */
  private boolean write(Exchange exchange) {
    try {
      channel.write(exchange.request);
      return exchange.written();
    } catch (IOException e) {
      failed(exchange, e);
      return true;
    }
  }

  private void read() throws IOException {
    for (; ; ) {
      int n = channel.read(in);
      if (n < 0) {
        ended();
        return;
      }
      if (n == 0) {
        return;
      }
      in.flip();
      Exchange exchange = current.get();
      if (exchange == null || exchange == CLOSED) {
        in.clear();
        closeIdle(new IOException("bytes the upstream sent unasked"));
        return;
      }
      try {
        if (exchange.response.feed(in)) {
          boolean reuse = exchange.response.keepAlive() && !in.hasRemaining();
          in.clear();
          finish(exchange, reuse);
          return;
        }
      } catch (UpstreamException e) {
        in.clear();
        fail(exchange, e);
        return;
      }
      in.clear();
    }
  }

  /** The upstream closed the connection. */
  private void ended() {
    Exchange exchange = current.get();
    if (exchange == null || exchange == CLOSED) {
      closeIdle(new IOException("connection closed before the answer began"));
    } else if (exchange.response.closed()) {
      finish(exchange, false);
    } else {
      failed(exchange, new IOException("connection closed before the answer ended"));
    }
  }

  /**
   * Closes a connection no exchange uses; if a caller has just taken it, its exchange fails with
   * {@code e}.
   */
  private void closeIdle(IOException e) {
    if (current.compareAndSet(null, CLOSED) || current.get() == CLOSED) {
      close();
    } else {
      failed(current.get(), e);
    }
  }

  private void finish(Exchange exchange, boolean reuse) {
    if (!current.compareAndSet(exchange, null)) {
      return;
    }
    if (reuse) {
      pool.release(this);
    } else {
      close();
    }
    exchange.answer.complete(exchange.response.body());
  }

  /**
   * A connection fault: the request may have arrived (a kept-alive connection the upstream closed
   * looks the same), so it is the upstream's failure, which the retry and failover links decide on.
   */
  private void failed(Exchange exchange, IOException e) {
    if (exchange == null || exchange == CLOSED) {
      closeIdle(e);
      return;
    }
    fail(exchange, HttpAnswers.classify(e));
  }

  private void fail(Exchange exchange, UpstreamException e) {
    if (current.compareAndSet(exchange, null)) {
      close();
      exchange.answer.completeExceptionally(e);
    }
  }

  /** Closes the socket on the reactor's thread, where its key is cancelled at once. */
  void close() {
    closed = true;
    if (reactor.inReactor()) {
      closeNow();
    } else {
      reactor.execute(this::closeNow);
    }
  }

  private void closeNow() {
    pool.forget(this);
    try {
      channel.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
