package dev.rpcshield.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.rpcshield.jsonrpc.Quantity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Asks each upstream for its latest, safe and finalized block in one batch and records the answer
 * in its {@link UpstreamHead}; then lets the {@link HeadTracker} re-decide who lags. On a network
 * with a chain id the batch asks eth_chainId too, so an upstream that turns up on another chain (a
 * restart, a URL now pointing elsewhere) is out within one poll, and a head that went back is only
 * ever recorded with the chain it is on. A head shown on another chain, or polled while its
 * upstream is known to be on another chain, is never recorded; one shown on its network's chain is
 * recorded before the upstream is let back in, so it rejoins with this poll's head.
 */
public final class HeadPoller {
  private static final Logger LOG = Logger.getLogger(HeadPoller.class.getName());
  private static final JsonFactory JSON = new JsonFactory();
  private static final String HEADS =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]},"
          + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_getBlockByNumber\",\"params\":[\"safe\",false]},"
          + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_getBlockByNumber\",\"params\":[\"finalized\",false]}";

  static final byte[] POLL = ("[" + HEADS + "]").getBytes(StandardCharsets.US_ASCII);

  /** The poll of an upstream whose network has a chain id: the same batch and its eth_chainId. */
  static final byte[] POLL_WITH_CHAIN =
      ("[" + HEADS + ",{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"eth_chainId\",\"params\":[]}]")
          .getBytes(StandardCharsets.US_ASCII);

  private final UpstreamTransport transport;
  private final HeadTracker tracker;
  private final Clock clock;

  public HeadPoller(UpstreamTransport transport, HeadTracker tracker, Clock clock) {
    this.transport = transport;
    this.tracker = tracker;
    this.clock = clock;
  }

  /**
   * Polls every upstream in rotation, or out only until its chain is seen, concurrently on {@code
   * threads}, then evaluates lag once.
   */
  public void pollAll(List<Upstream> upstreams, Executor threads) {
    FanOut.each(upstreams.stream().filter(u -> u.breaker().polled()).toList(), this::poll, threads);
    tracker.evaluate(upstreams);
  }

  void poll(Upstream u) {
    try {
      long[] heads = parse(u.ask(transport, u.chainId() == 0 ? POLL : POLL_WITH_CHAIN));
      u.head().pollAnswered(true);
      if (u.chainId() != 0 && heads[3] >= 0) {
        if (heads[0] >= 0 && heads[3] == u.chainId()) {
          u.head().observe(heads[0], heads[1], heads[2], clock.instant());
        }
        u.chainSeen(heads[3]);
        return;
      }
      if (heads[0] >= 0 && heads[0] < u.head().latest()) {
        u.headWentBack(u.head().latest(), heads[0]);
      }
      if (heads[0] >= 0 && u.breaker().chain() != CircuitBreaker.Chain.WRONG_CHAIN) {
        u.head().observe(heads[0], heads[1], heads[2], clock.instant());
      }
    } catch (UpstreamTransport.UpstreamException e) {
      u.head().pollAnswered(false);
      u.connectionFailed(e.failure());
      LOG.log(Level.FINE, "head poll of " + u.name() + " failed", e);
    } catch (IOException | RuntimeException e) {
      u.head().pollAnswered(false);
      LOG.log(Level.FINE, "head poll of " + u.name() + " failed", e);
    }
  }

  /**
   * Reads latest, safe, finalized and the chain id (-1 where absent) from the poll's batch answer.
   */
  static long[] parse(byte[] body) throws IOException {
    long[] heads = {-1, -1, -1, -1};
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        return heads;
      }
      while (p.nextToken() == JsonToken.START_OBJECT) {
        int id = -1;
        long value = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          if (name.equals("id") && v == JsonToken.VALUE_NUMBER_INT) {
            id = p.getIntValue();
          } else if (name.equals("result") && v == JsonToken.VALUE_STRING) {
            value = Quantity.parse(p.getText());
          } else if (name.equals("result") && v == JsonToken.START_OBJECT) {
            value = numberField(p);
          } else {
            p.skipChildren();
          }
        }
        if (id >= 1 && id <= 4) {
          heads[id - 1] = value;
        }
      }
    }
    return heads;
  }

  private static long numberField(JsonParser p) throws IOException {
    long n = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equals("number") && v == JsonToken.VALUE_STRING) {
        n = Quantity.parse(p.getText());
      } else {
        p.skipChildren();
      }
    }
    return n;
  }
}
