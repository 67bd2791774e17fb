package dev.rpcshield.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcshield.cache.ChainHeads;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

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
    Chunk fetch(String filterJson);
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
  public Outcome serve(byte[] rawParams, ChunkSource source) {
    JsonNode params;
    try {
      params = rawParams == null ? null : JSON.readTree(rawParams);
    } catch (IOException e) {
      params = null;
    }
    if (params == null || !params.isArray() || params.size() != 1 || !params.get(0).isObject()) {
      return invalid("eth_getLogs takes one filter object");
    }
    ObjectNode filter = (ObjectNode) params.get(0);
    JsonNode address = filter.path("address");
    if (address.isArray() && address.size() > config.maxAddresses()) {
      return refuse(
          address.size() + " addresses; at most " + config.maxAddresses() + " per filter");
    }
    for (JsonNode position : filter.path("topics")) {
      if (position.isArray() && position.size() > config.maxTopics()) {
        return refuse(
            position.size() + " alternatives in one topic position; at most " + config.maxTopics());
      }
    }
    return switch (FilterRange.read(filter, heads)) {
      case FilterRange.Invalid i -> invalid(i.why());
      case FilterRange.AsSent a -> FORWARD;
      case FilterRange.Unknown u ->
          config.maxRange() > 0
              ? refuse(
                  "the range cannot be checked against the cap of "
                      + config.maxRange()
                      + " blocks before an upstream has reported the head its bounds name; retry"
                      + " shortly")
              : FORWARD;
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
  private Outcome serveRange(
      ObjectNode filter, long from, long to, long toAsked, boolean headKnown, ChunkSource source) {
    long beyondFirst = to - from;
    String blocks = FilterRange.blocks(from, to);
    if (config.maxRange() > 0 && beyondFirst >= config.maxRange()) {
      return overCap(
          "the range spans "
              + blocks
              + " blocks; at most "
              + config.maxRange()
              + " blocks per request",
          headKnown);
    }
    if (!config.split() || chunkRange <= 0 || beyondFirst < chunkRange) {
      return FORWARD;
    }
    long chunksAfterFirst = beyondFirst / chunkRange;
    if (chunksAfterFirst >= config.maxChunks()) {
      return overCap(
          "the range spans "
              + blocks
              + " blocks, "
              + Long.toUnsignedString(chunksAfterFirst + 1)
              + " upstream requests of at most "
              + chunkRange
              + " blocks; at most "
              + config.maxChunks()
              + " per request",
          headKnown);
    }
    Split job = new Split(filter, headKnown ? to : from - 1, source, new AtomicLong());
    return split(job, from, to, toAsked, (int) chunksAfterFirst + 1);
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
   * One request being split: its filter, the last block of its range the gateway knows to be on the
   * chain, where chunks go, and the bytes of logs gathered so far.
   */
  private record Split(ObjectNode filter, long lastOnChain, ChunkSource source, AtomicLong bytes) {}

  /**
   * Chunks of {@code chunkRange} blocks from {@code from}; the last one asks for the client's own
   * toBlock, so that the node reads one past the head the gateway last saw as it reads the client's
   * filter. Chunks are made as they are taken: the calling thread and at most {@code concurrency -
   * 1} more each take the next until none is left or one has failed, so no more than {@code
   * concurrency} are in flight and none starts after a failure.
   */
  private Outcome split(Split job, long from, long to, long toAsked, int chunks) {
    String[] results = new String[chunks];
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Outcome> failure = new AtomicReference<>();
    Runnable taker =
        () -> {
          for (int i = next.getAndIncrement();
              i < chunks && failure.get() == null;
              i = next.getAndIncrement()) {
            long start = from + i * chunkRange;
            long end = i == chunks - 1 ? toAsked : start + chunkRange - 1;
            try {
              results[i] = fetch(job, start, end);
            } catch (ChunkException e) {
              failure.compareAndSet(null, e.outcome);
            }
          }
        };
    List<Thread> helpers = new ArrayList<>();
    for (int i = 1; i < Math.min(config.concurrency(), chunks); i++) {
      helpers.add(Thread.ofVirtual().start(taker));
    }
    taker.run();
    for (Thread t : helpers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, incomplete(from, to, "interrupted"));
        helpers.forEach(Thread::interrupt);
        break;
      }
    }
    if (failure.get() != null) {
      return failure.get();
    }
    StringBuilder joined =
        new StringBuilder((int) Math.min(Integer.MAX_VALUE - 8, job.bytes().get() + 2));
    joined.append('[');
    for (String r : results) {
      String inner = r.substring(1, r.length() - 1).strip();
      if (!inner.isEmpty()) {
        if (joined.length() > 1) {
          joined.append(',');
        }
        joined.append(inner);
      }
    }
    return new Joined(joined.append(']').toString());
  }

  /**
   * One chunk, bisected while an upstream refuses it as too large: in the blocks known to be on the
   * chain, so a chunk past them is cut at most once more, after its first block.
   */
  private String fetch(Split job, long from, long to) throws ChunkException {
    ObjectNode chunk = job.filter().deepCopy();
    chunk.put("fromBlock", "0x" + Long.toHexString(from));
    chunk.put("toBlock", "0x" + Long.toHexString(to));
    Chunk got = job.source().fetch(chunk.toString());
    if (got instanceof Failed f) {
      if (f.chainError() && tooLarge(f.message()) && to > from && from <= job.lastOnChain()) {
        long mid = from + (Math.min(to, job.lastOnChain()) - from) / 2;
        String left = fetch(job, from, mid);
        String right = fetch(job, mid + 1, to);
        String l = left.substring(1, left.length() - 1).strip();
        String r = right.substring(1, right.length() - 1).strip();
        return "[" + l + (l.isEmpty() || r.isEmpty() ? "" : ",") + r + "]";
      }
      throw new ChunkException(incomplete(from, to, f.message()));
    }
    String logs = ((Logs) got).resultJson().strip();
    if (!logs.startsWith("[") || !logs.endsWith("]")) {
      throw new ChunkException(incomplete(from, to, "the upstream's answer is not a list"));
    }
    if (job.bytes().addAndGet(logs.length()) > config.maxResponseBytes()) {
      throw new ChunkException(
          refuse(
              "the logs exceed "
                  + config.maxResponseBytes()
                  + " bytes; ask for a smaller range or a narrower filter"));
    }
    return logs;
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

  private static Refused refuse(String why) {
    return new Refused(RpcError.of(RpcErrorCode.LOGS_TOO_LARGE, why));
  }

  private static Refused incomplete(long from, long to, String why) {
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

  private static final class ChunkException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Outcome outcome;

    ChunkException(Outcome outcome) {
      super(null, null, false, false);
      this.outcome = outcome;
    }
  }
}
