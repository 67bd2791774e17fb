package dev.rpcshield.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcshield.cache.ChainHeads;
import dev.rpcshield.jsonrpc.Quantity;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One network's eth_getLogs guard: refuses a filter over the gateway's caps (block range,
 * addresses, topic alternatives), and splits a range over the upstreams' cap into chunks of at most
 * that cap, sent with bounded concurrency. A chunk an upstream refuses as too large is bisected;
 * the logs are joined in chunk order, which is block and log-index order. A chunk that fails fails
 * the whole call with an error naming its blocks: never a partial answer.
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
    ObjectNode filter;
    try {
      JsonNode params = rawParams == null ? null : JSON.readTree(rawParams);
      if (params == null || !params.isArray() || params.size() != 1 || !params.get(0).isObject()) {
        return FORWARD;
      }
      filter = (ObjectNode) params.get(0);
    } catch (IOException e) {
      return FORWARD;
    }
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
    if (filter.has("blockHash")) {
      return FORWARD;
    }
    long from = resolve(filter.path("fromBlock"));
    long to = resolve(filter.path("toBlock"));
    if (from < 0 || to < from) {
      return FORWARD;
    }
    long range = to - from + 1;
    if (config.maxRange() > 0 && range > config.maxRange()) {
      return refuse(
          "the range spans "
              + range
              + " blocks; at most "
              + config.maxRange()
              + " blocks per request, ask for smaller ranges");
    }
    if (!config.split() || chunkRange <= 0 || range <= chunkRange) {
      return FORWARD;
    }
    return split(filter, from, to, source);
  }

  private Outcome split(ObjectNode filter, long from, long to, ChunkSource source) {
    List<long[]> chunks = new ArrayList<>();
    for (long start = from; start <= to; start += chunkRange) {
      chunks.add(new long[] {start, Math.min(to, start + chunkRange - 1)});
    }
    String[] results = new String[chunks.size()];
    AtomicReference<Outcome> failure = new AtomicReference<>();
    AtomicLong bytes = new AtomicLong();
    Semaphore permits = new Semaphore(config.concurrency());
    List<Thread> threads = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      int index = i;
      long[] c = chunks.get(i);
      threads.add(
          Thread.ofVirtual()
              .start(() -> {
                try {
                  permits.acquire();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  failure.compareAndSet(null, incomplete(c[0], c[1], "interrupted"));
                  return;
                }
                try {
                  if (failure.get() == null) {
                    results[index] = fetch(filter, c[0], c[1], source, bytes);
                  }
                } catch (ChunkException e) {
                  failure.compareAndSet(null, e.outcome);
                } finally {
                  permits.release();
                }
              }));
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, incomplete(from, to, "interrupted"));
        break;
      }
    }
    if (failure.get() != null) {
      return failure.get();
    }
    StringBuilder joined =
        new StringBuilder((int) Math.min(Integer.MAX_VALUE - 8, bytes.get() + 2));
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

  /** One chunk, bisected while an upstream refuses it as too large. */
  private String fetch(ObjectNode filter, long from, long to, ChunkSource source, AtomicLong bytes)
      throws ChunkException {
    ObjectNode chunk = filter.deepCopy();
    chunk.put("fromBlock", "0x" + Long.toHexString(from));
    chunk.put("toBlock", "0x" + Long.toHexString(to));
    Chunk got = source.fetch(chunk.toString());
    if (got instanceof Failed f) {
      if (f.chainError() && tooLarge(f.message()) && to > from) {
        long mid = from + (to - from) / 2;
        String left = fetch(filter, from, mid, source, bytes);
        String right = fetch(filter, mid + 1, to, source, bytes);
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
    if (bytes.addAndGet(logs.length()) > config.maxResponseBytes()) {
      throw new ChunkException(
          refuse(
              "the logs exceed "
                  + config.maxResponseBytes()
                  + " bytes; ask for a smaller range or a narrower filter"));
    }
    return logs;
  }

  /** Whether an upstream's error says the request was too large (not a rate limit). */
  static boolean tooLarge(String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    if (m.contains("rate")) {
      return false;
    }
    return m.contains("range")
        || m.contains("more than")
        || m.contains("too many")
        || m.contains("too large")
        || m.contains("too big")
        || m.contains("exceed");
  }

  /** A block number from a filter field: a quantity, or a tag resolved against the heads. */
  private long resolve(JsonNode field) {
    if (field.isMissingNode() || field.isNull()) {
      return heads.latest();
    }
    if (!field.isTextual()) {
      return -1;
    }
    return switch (field.asText()) {
      case "latest", "pending" -> heads.latest();
      case "finalized" -> heads.finalized();
      case "earliest" -> 0;
      default -> Quantity.parse(field.asText());
    };
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
