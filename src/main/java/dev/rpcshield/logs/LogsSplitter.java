package dev.rpcshield.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcshield.cache.ChainHeads;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One network's eth_getLogs guard: refuses a filter it cannot read as a node does (invalid params)
 * or over the gateway's caps (block range as {@link FilterRange} reads it, addresses, topic
 * alternatives), and splits a range over the upstreams' cap into chunks of at most that cap, at
 * most {@code rpcshield.getlogs.max-chunks} of them, made as they are sent with bounded
 * concurrency. A chunk an upstream refuses as too large is bisected; the logs are joined in chunk
 * order, which is block and log-index order. A chunk that fails fails the whole call with an error
 * naming its blocks: never a partial answer.
 */
public final class LogsSplitter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String network;
  private final LogsConfig config;
  private final long chunkRange;
  private final ChainHeads heads;

  /** What to do with one eth_getLogs call. */
  public sealed interface Outcome permits Forward, Refused, Joined {}

  /** Send it upstream as it is: within every cap. */
  public record Forward() implements Outcome {}

  /** Refuse it with this error. */
  public record Refused(RpcError error) implements Outcome {}

  /** Answered from chunks: the joined result array. */
  public record Joined(String resultJson) implements Outcome {}

  private static final Forward FORWARD = new Forward();

  /** What one chunk got from upstream. */
  public sealed interface Chunk permits Logs, Failed {}

  /** The chunk's result: a JSON array of logs. */
  public record Logs(String resultJson) implements Chunk {}

  /**
   * The chunk failed.
   *
   * @param chainError whether an upstream answered with a JSON-RPC error (else none answered)
   */
  public record Failed(boolean chainError, String message) implements Chunk {}

  /** Sends one chunk's filter (a JSON object with numeric fromBlock and toBlock) upstream. */
  @FunctionalInterface
  public interface ChunkSource {
    CompletionStage<Chunk> fetch(String filterJson);
  }

  /**
   * @param chunkRange the most blocks one upstream request may span (0: no cap, never split)
   */
  public LogsSplitter(String network, LogsConfig config, long chunkRange, ChainHeads heads) {
    this.network = network;
    this.config = config;
    this.chunkRange = chunkRange;
    this.heads = heads;
  }

  public String network() {
    return network;
  }

  /**
   * Decides about one call's params and, for a range to split, fetches it through {@code source}.
   */
  public CompletionStage<Outcome> serve(byte[] rawParams, ChunkSource source) {
    return decide(rawParams, source);
  }

  private CompletionStage<Outcome> decide(byte[] rawParams, ChunkSource source) {
    JsonNode params;
    try {
      params = rawParams == null ? null : JSON.readTree(rawParams);
    } catch (IOException e) {
      params = null;
    }
    if (params == null || !params.isArray() || params.size() != 1 || !params.get(0).isObject()) {
      return done(invalid("eth_getLogs takes one filter object"));
    }
    ObjectNode filter = (ObjectNode) params.get(0);
    JsonNode address = filter.path("address");
    if (address.isArray() && address.size() > config.maxAddresses()) {
      return done(
          refuse(address.size() + " addresses; at most " + config.maxAddresses() + " per filter"));
    }
    for (JsonNode position : filter.path("topics")) {
      if (position.isArray() && position.size() > config.maxTopics()) {
        return done(
            refuse(
                position.size()
                    + " alternatives in one topic position; at most "
                    + config.maxTopics()));
      }
    }
    return switch (FilterRange.read(filter, heads)) {
      case FilterRange.Invalid i -> done(invalid(i.why()));
      case FilterRange.AsSent a -> done(FORWARD);
      case FilterRange.Unknown u ->
          done(
              config.maxRange() > 0
                  ? refuse(
                      "the range cannot be checked against the cap of "
                          + config.maxRange()
                          + " blocks before an upstream has reported the head its bounds name; retry"
                          + " shortly")
                  : FORWARD);
      case FilterRange.NoHead n -> serveRange(filter, n.from(), n.to(), n.to(), false, source);
      case FilterRange.Span span ->
          serveRange(filter, span.from(), span.to(), span.toAsked(), true, source);
    };
  }

  /**
   * Blocks {@code from} to {@code to} ({@code toAsked} as the client named the last), checked
   * against the caps and split if they are over the upstreams'.
   *
   * @param headKnown whether the blocks end at a head an upstream reported; without one they are as
   *     the client's numbers name them, and only a head can tell whether they are over a cap
   */
  private CompletionStage<Outcome> serveRange(
      ObjectNode filter, long from, long to, long toAsked, boolean headKnown, ChunkSource source) {
    long beyondFirst = to - from;
    String blocks = FilterRange.blocks(from, to);
    if (config.maxRange() > 0 && beyondFirst >= config.maxRange()) {
      return done(
          overCap(
              "the range spans "
                  + blocks
                  + " blocks; at most "
                  + config.maxRange()
                  + " blocks per request",
              headKnown));
    }
    if (!config.split() || chunkRange <= 0 || beyondFirst < chunkRange) {
      return done(FORWARD);
    }
    long chunksAfterFirst = beyondFirst / chunkRange;
    if (chunksAfterFirst >= config.maxChunks()) {
      return done(
          overCap(
              "the range spans "
                  + blocks
                  + " blocks, "
                  + Long.toUnsignedString(chunksAfterFirst + 1)
                  + " upstream requests of at most "
                  + chunkRange
                  + " blocks; at most "
                  + config.maxChunks()
                  + " per request",
              headKnown));
    }
    return new ChunkedFetch(
            filter,
            headKnown ? to : from - 1,
            source,
            chunkRange,
            config.concurrency(),
            config.maxResponseBytes())
        .run(from, to, toAsked, (int) chunksAfterFirst + 1);
  }

  /**
   * A range over a cap: refused, unless no head is known, which could end it sooner. Then it is
   * refused until one is while the gateway caps ranges, and forwarded as sent while it does not
   * (the node answers it as it reads it).
   */
  private Outcome overCap(String what, boolean headKnown) {
    if (headKnown) {
      return refuse(what + ", ask for smaller ranges");
    }
    return config.maxRange() > 0
        ? refuse(
            what
                + " as the bounds are written, and no upstream has reported the head"
                + " that may end it sooner yet; retry shortly")
        : FORWARD;
  }

  /**
   * Whether an upstream's error says the request was too large (not a rate limit, nor a block past
   * its head).
   */
  static boolean tooLarge(String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    if (m.contains("rate") || m.contains("outofrange") || m.contains("out of range")) {
      return false;
    }
    return m.contains("range")
        || m.contains("more than")
        || m.contains("too many")
        || m.contains("too large")
        || m.contains("too big")
        || m.contains("exceed");
  }

  private static Refused invalid(String why) {
    return new Refused(RpcError.of(RpcErrorCode.INVALID_PARAMS, why));
  }

  static Refused refuse(String why) {
    return new Refused(RpcError.of(RpcErrorCode.LOGS_TOO_LARGE, why));
  }

  static Refused incomplete(long from, long to, String why) {
    return new Refused(
        RpcError.of(
            RpcErrorCode.LOGS_INCOMPLETE,
            "blocks "
                + from
                + " to "
                + to
                + " failed ("
                + why
                + "); no partial answer is given, retry the request"));
  }

  private static CompletionStage<Outcome> done(Outcome o) {
    return CompletableFuture.completedFuture(o);
  }
}
