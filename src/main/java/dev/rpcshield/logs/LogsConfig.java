package dev.rpcshield.logs;

import dev.rpcshield.config.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The eth_getLogs limits and splitting.
 *
 * @param maxRange {@code rpcshield.getlogs.max-range}: the most blocks one client request may span
 *     (default 0: no cap)
 * @param split {@code rpcshield.getlogs.split}: split a range over an upstream's cap into chunks
 *     (default true)
 * @param concurrency {@code rpcshield.getlogs.concurrency}: chunks of one request in flight at once
 *     (default 4)
 * @param maxChunks {@code rpcshield.getlogs.max-chunks}: the most upstream requests one client
 *     request may be split into; a range that would need more is refused (default 1000)
 * @param maxAddresses {@code rpcshield.getlogs.max-addresses}: addresses in one filter (default
 *     1000)
 * @param maxTopics {@code rpcshield.getlogs.max-topics}: alternatives in one topic position
 *     (default 1000)
 * @param maxResponseBytes {@code rpcshield.getlogs.max-response-bytes}: the largest joined answer
 *     of a split request (default 64 MiB)
 * @param upstreamMaxRange {@code rpcshield.upstream.<name>.getlogs-max-range}: the most blocks the
 *     upstream serves in one eth_getLogs (default 0: no cap), by upstream name
 */
public record LogsConfig(
    long maxRange,
    boolean split,
    int concurrency,
    int maxChunks,
    int maxAddresses,
    int maxTopics,
    long maxResponseBytes,
    Map<String, Long> upstreamMaxRange) {

  public LogsConfig {
    upstreamMaxRange = Map.copyOf(upstreamMaxRange);
  }

  public static LogsConfig read(Settings s, List<String> upstreams) {
    Map<String, Long> caps = new LinkedHashMap<>();
    for (String name : upstreams) {
      String key = "rpcshield.upstream." + name + ".getlogs-max-range";
      caps.put(name, atLeast(s, key, 0, 0));
    }
    return new LogsConfig(
        atLeast(s, "rpcshield.getlogs.max-range", 0, 0),
        s.bool("rpcshield.getlogs.split", true),
        (int) atLeast(s, "rpcshield.getlogs.concurrency", 4, 1),
        (int) atLeast(s, "rpcshield.getlogs.max-chunks", 1000, 1),
        (int) atLeast(s, "rpcshield.getlogs.max-addresses", 1000, 1),
        (int) atLeast(s, "rpcshield.getlogs.max-topics", 1000, 1),
        atLeast(s, "rpcshield.getlogs.max-response-bytes", 64L << 20, 1),
        caps);
  }

  /**
   * The chunk size for a group of upstreams: the smallest cap among them, so a chunk fits whichever
   * upstream serves it; 0 when none has a cap.
   */
  public long chunkRange(List<String> group) {
    long chunk = 0;
    for (String name : group) {
      long cap = upstreamMaxRange.getOrDefault(name, 0L);
      if (cap > 0 && (chunk == 0 || cap < chunk)) {
        chunk = cap;
      }
    }
    return chunk;
  }

  private static long atLeast(Settings s, String key, long fallback, long min) {
    long value = s.longValue(key, fallback);
    Settings.require(value >= min, key, value, "a number >= " + min);
    return value;
  }
}
