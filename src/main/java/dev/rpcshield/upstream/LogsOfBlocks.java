package dev.rpcshield.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcshield.jsonrpc.RpcCall;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A logs subscription built from blocks: for each block its subscription takes in order ({@link
 * HeadsInOrder}), the logs of that block matching the filter ({@code eth_getLogs} by block hash,
 * through the network's upstreams, once per block and filter for every subscription of the
 * network), delivered one notification each as a node does. The logs of the most recent blocks are
 * kept, so that a reorg delivers each of the logs it took away again with {@code "removed": true}
 * before the logs of the blocks that replaced them.
 */
final class LogsOfBlocks implements HeadsInOrder.Follower {
  private static final Logger LOG = Logger.getLogger(LogsOfBlocks.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final Pattern TOPIC = Pattern.compile("0x[0-9a-fA-F]{64}");
  private static final Set<String> FILTER_FIELDS =
      Set.of("address", "topics", "fromBlock", "toBlock");
  private static final int KEPT_BLOCKS = 64;

  private final BiFunction<String, ObjectNode, CompletableFuture<JsonNode>> logs;
  private final ObjectNode filter;
  private final Consumer<List<JsonNode>> deliver;

  /** The logs delivered of the most recent blocks, by number; touched by one task at a time. */
  private final Map<Long, List<JsonNode>> delivered = new LinkedHashMap<>();

  /**
   * @param logs the logs of a block hash matching a filter (shared by the network's subscriptions)
   */
  LogsOfBlocks(
      BiFunction<String, ObjectNode, CompletableFuture<JsonNode>> logs,
      ObjectNode filter,
      Consumer<List<JsonNode>> deliver) {
    this.logs = logs;
    this.filter = filter;
    this.deliver = deliver;
  }

  /**
   * Refuses a filter a node would refuse: only address (one or a list) and topics (each null, one
   * topic or a list of them, at most four), besides fromBlock and toBlock.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static void check(ObjectNode filter) {
    filter
        .fieldNames()
        .forEachRemaining(f -> {
          if (!FILTER_FIELDS.contains(f)) {
            throw new IllegalArgumentException("a logs filter has no field " + f);
          }
        });
    JsonNode address = filter.get("address");
    if (address != null && !address.isNull()) {
      List<JsonNode> all = new ArrayList<>();
      if (address.isArray()) {
        address.forEach(all::add);
      } else {
        all.add(address);
      }
      for (JsonNode a : all) {
        if (!a.isTextual() || !ADDRESS.matcher(a.asText()).matches()) {
          throw new IllegalArgumentException("address must be an address or a list of them");
        }
      }
    }
    JsonNode topics = filter.get("topics");
    if (topics != null && !topics.isNull()) {
      if (!topics.isArray() || topics.size() > 4) {
        throw new IllegalArgumentException("topics must be a list of at most four");
      }
      for (JsonNode t : topics) {
        List<JsonNode> options = new ArrayList<>();
        if (t.isArray()) {
          t.forEach(options::add);
        } else if (!t.isNull()) {
          options.add(t);
        }
        for (JsonNode o : options) {
          if (!o.isTextual() || !TOPIC.matcher(o.asText()).matches()) {
            throw new IllegalArgumentException("a topic must be 32 bytes of hex, null or a list");
          }
        }
      }
    }
  }

  /** The logs of the block of {@code blockHash} matching {@code filter}; null when none came. */
  static CompletableFuture<JsonNode> fetch(Network network, String blockHash, ObjectNode filter) {
    ObjectNode byHash = filter.deepCopy();
    byHash.put("blockHash", blockHash);
    RpcCall call = RpcCall.of("eth_getLogs", JSON.createArrayNode().add(byHash).toString());
    return network.ask(call).thenApply(logs -> logs != null && logs.isArray() ? logs : null);
  }

  @Override
  public CompletableFuture<Void> block(JsonNode header) {
    long number = HeadsInOrder.number(header);
    return logs.apply(header.path("hash").asText(""), filter)
        .handle((found, t) -> {
          if (t != null || found == null) {
            // Failing keeps the block undelivered: the next head asks for its logs again.
            LOG.info(() -> "the logs of block " + number + " could not be fetched yet");
            throw new CompletionException(new IllegalStateException("no logs of block " + number));
          }
          List<JsonNode> list = new ArrayList<>();
          found.forEach(list::add);
          deliver.accept(list);
          delivered.put(number, list);
          Iterator<Long> oldest = delivered.keySet().iterator();
          while (delivered.size() > KEPT_BLOCKS && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> replaced(long from, long to) {
    for (long n = to; n >= from; n--) {
      List<JsonNode> logs = delivered.remove(n);
      if (logs == null || logs.isEmpty()) {
        continue;
      }
      List<JsonNode> removed = new ArrayList<>(logs.size());
      for (JsonNode log : logs) {
        removed.add(((ObjectNode) log.deepCopy()).put("removed", true));
      }
      deliver.accept(removed);
    }
    return CompletableFuture.completedFuture(null);
  }
}
