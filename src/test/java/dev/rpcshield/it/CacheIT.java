package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.Eventually;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The finality-aware cache and the eth_getLogs splitter, on a gateway of their own in front of one
 * anvil (behind a counting proxy). anvil's {@code finalized} trails {@code latest} by two epochs of
 * 32 slots, so the newest 64 blocks can be replaced by {@code anvil_reorg} and everything older is
 * final. The upstream allows at most 10 blocks per eth_getLogs; the gateway at most 500 per
 * request, split into at most 30 upstream requests.
 */
class CacheIT {
  private static final Anvil NODE = new Anvil(18608, 31337);

  /** A node on another chain, which the upstream's relay is pointed at as a restart there would. */
  private static final Anvil OTHER_CHAIN = new Anvil(18624, 8453);

  private static final LibertyServer SERVER = new LibertyServer("rpcshieldCache", 18550);
  private static ChaosProxy proxy;
  private static Gateway node;
  private static Gateway gateway;

  /** Init code that emits LOG1 (topic 7, data 42) and deploys nothing. */
  private static final String EMIT_LOG = "0x602a600052600760206000a100";

  private static final String DEV = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

  @BeforeAll
  static void start() {
    NODE.start();
    OTHER_CHAIN.start();
    proxy = new ChaosProxy("cache-upstream", 18622, URI.create(NODE.url()));
    SERVER.start(
        List.of(
            "HTTP_HOST=127.0.0.1",
            "RPCSHIELD_UPSTREAMS=c=http://127.0.0.1:18622",
            "RPCSHIELD_CHAIN_ID=31337",
            "RPCSHIELD_UPSTREAM_HEAD_POLL_INTERVAL=200ms",
            "RPCSHIELD_UPSTREAM_HEDGE_MAX_EXTRA=0",
            "RPCSHIELD_ANONYMOUS_RPS=100000",
            "RPCSHIELD_CACHE_ENABLED=true",
            "RPCSHIELD_UPSTREAM_C_GETLOGS_MAX_RANGE=10",
            "RPCSHIELD_GETLOGS_MAX_RANGE=500",
            "RPCSHIELD_GETLOGS_MAX_CHUNKS=30",
            "RPCSHIELD_ADMIN_TOKEN=" + Admin.TOKEN));
    node = Gateway.direct(NODE);
    gateway = SERVER.client();
  }

  @AfterAll
  static void stop() {
    SERVER.stop();
    proxy.close();
    NODE.close();
    OTHER_CHAIN.close();
  }

  private static long head(Gateway g) {
    return Long.decode(g.call("eth_blockNumber", "[]").asText());
  }

  private static long finalized() {
    return Long.decode(
        node.call("eth_getBlockByNumber", "[\"finalized\",false]").get("number").asText());
  }

  /** Mines until anvil's finalized block is at least {@code block}, and the gateway has seen it. */
  private static void finalize(long block) {
    long blocks = Math.max(1, block + 70 - head(node));
    node.call("anvil_mine", "[\"0x" + Long.toHexString(blocks) + "\"]");
    assertTrue(finalized() >= block, "anvil finalized " + finalized());
    long target = finalized();
    Eventually.within(Duration.ofSeconds(10), "the gateway's head poll sees finalized " + target)
        .until(() -> polledFinalized() >= target);
  }

  /**
   * The finalized block the gateway's head poll last saw (eth_blockNumber would not wait for it).
   */
  private static long polledFinalized() {
    return new Admin(gateway)
        .call("GET", "/upstreams", null)
        .json()
        .get(0)
        .get("finalized")
        .asLong();
  }

  /** Waits until the gateway's head poll has seen {@code block}. */
  private static void headSeen(long block) {
    Eventually.within(Duration.ofSeconds(10), "the gateway's head poll sees block " + block)
        .until(() ->
            new Admin(gateway).call("GET", "/upstreams", null).json().get(0).get("head").asLong()
                >= block);
  }

  private static Gateway.Response ask(String method, String params) {
    return gateway.post(
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\",\"params\":" + params + "}");
  }

  private static long upstreamCalls(String fragment) {
    return proxy.bodies().stream().filter(b -> b.contains(fragment)).count();
  }

  private static String sendTransaction(String data) {
    String tx =
        data == null
            ? "{\"from\":\""
                + DEV
                + "\",\"to\":\"0x000000000000000000000000000000000000dEaD\",\"value\":\"0x1\"}"
            : "{\"from\":\"" + DEV + "\",\"data\":\"" + data + "\"}";
    String hash = node.call("eth_sendTransaction", "[" + tx + "]").asText();
    // anvil may answer before it has mined the transaction: wait, so that the head read next
    // already holds it.
    node.receipt(hash);
    return hash;
  }

  @Test
  void aFinalizedBlockIsServedFromTheCacheAndLatestNeverIs() {
    finalize(5);
    proxy.reset();
    String params = "[\"0x5\",false]";
    Gateway.Response first = ask("eth_getBlockByNumber", params);
    assertEquals("MISS", first.header("X-Cache"), first.body());
    for (int i = 0; i < 5; i++) {
      Gateway.Response again =
          ask("eth_getBlockByNumber", i % 2 == 0 ? params : "[\"0x05\",false]");
      assertEquals("HIT", again.header("X-Cache"), again.body());
      assertEquals(first.json().get("result"), again.json().get("result"));
      assertEquals(7, again.json().get("id").asInt());
    }
    assertEquals(
        node.call("eth_getBlockByNumber", params), first.json().get("result"), "anvil's own block");
    assertEquals(1, upstreamCalls("\"0x5\""), proxy.bodies().toString());

    String hash = first.json().get("result").get("hash").asText();
    ask("eth_getBlockByHash", "[\"" + hash + "\",false]");
    Gateway.Response byHash =
        ask("eth_getBlockByHash", "[\"" + hash.toUpperCase().replace("0X", "0x") + "\",false]");
    assertEquals("HIT", byHash.header("X-Cache"));
    assertEquals(1, upstreamCalls(hash.substring(2, 20)));

    proxy.reset();
    for (int i = 0; i < 3; i++) {
      Gateway.Response latest = ask("eth_getBlockByNumber", "[\"latest\",false]");
      assertEquals("MISS", latest.header("X-Cache"));
    }
    assertEquals(3, upstreamCalls("\"latest\""), "latest always goes upstream");
  }

  private static String upstreamState() {
    return new Admin(gateway).call("GET", "/upstreams", null).json().get(0).get("state").asText();
  }

  /**
   * The upstream's node is swapped for one on another chain (its relay now reaches it, as a restart
   * onto the wrong chain looks from here) where an address holds 0x999 at a block that is final on
   * both chains; on the real chain it holds nothing. The upstream is out within a few head polls
   * (not at the 30 s chain check), and once the real node is back nothing the other chain answered
   * is served from the cache.
   */
  @Test
  void nothingAnUpstreamOnAnotherChainAnsweredIsServedFromTheCache() {
    String address = "0x0000000000000000000000000000000000000999";
    Gateway other = Gateway.direct(OTHER_CHAIN);
    other.call("anvil_setBalance", "[\"" + address + "\",\"0x999\"]");
    other.call("anvil_mine", "[\"0x50\"]");
    long block = head(other) - 70;
    String params = "[\"" + address + "\",\"0x" + Long.toHexString(block) + "\"]";
    assertEquals("0x999", other.call("eth_getBalance", params).asText(), "final on that chain");
    finalize(block);
    assertEquals("0x0", node.call("eth_getBalance", params).asText());

    proxy.retarget(URI.create(OTHER_CHAIN.url()));
    try {
      ask("eth_getBalance", params);
      Eventually.within(Duration.ofSeconds(1), "the upstream found on another chain")
          .until(() -> upstreamState().equals("WRONG_CHAIN"));
    } finally {
      proxy.retarget(URI.create(NODE.url()));
    }
    Eventually.within(Duration.ofSeconds(5), "the upstream back on its chain")
        .until(() -> upstreamState().equals("CLOSED"));
    for (int i = 0; i < 2; i++) {
      Gateway.Response r = ask("eth_getBalance", params);
      assertEquals("0x0", r.json().get("result").asText(), r.header("X-Cache") + " " + r.body());
      assertEquals(i == 0 ? "MISS" : "HIT", r.header("X-Cache"));
    }
  }

  @Test
  void aReceiptIsCachedOnlyOnceItsBlockIsFinalized() {
    String tx = sendTransaction(null);
    JsonNode receipt = gateway.receipt(tx);
    proxy.reset();
    for (int i = 0; i < 3; i++) {
      assertEquals("MISS", ask("eth_getTransactionReceipt", "[\"" + tx + "\"]").header("X-Cache"));
    }
    assertEquals(3, upstreamCalls(tx), "an unfinalized receipt is asked for every time");

    finalize(Long.decode(receipt.get("blockNumber").asText()));
    ask("eth_getTransactionReceipt", "[\"" + tx + "\"]");
    proxy.reset();
    for (int i = 0; i < 3; i++) {
      Gateway.Response r = ask("eth_getTransactionReceipt", "[\"" + tx + "\"]");
      assertEquals("HIT", r.header("X-Cache"));
      assertEquals(receipt, r.json().get("result"));
    }
    assertEquals(0, upstreamCalls(tx));
  }

  @Test
  void afterAReorgNoReplacedBlockReceiptOrLogIsServed() {
    finalize(head(node));
    String tx = sendTransaction(EMIT_LOG);
    JsonNode receipt = gateway.receipt(tx);
    long block = Long.decode(receipt.get("blockNumber").asText());
    String number = "\"0x" + Long.toHexString(block) + "\"";
    String logs = "[{\"fromBlock\":" + number + ",\"toBlock\":" + number + "}]";
    JsonNode before = gateway.call("eth_getBlockByNumber", "[" + number + ",false]");
    assertEquals(1, gateway.call("eth_getLogs", logs).size());
    for (int i = 0; i < 2; i++) {
      gateway.call("eth_getBlockByNumber", "[" + number + ",false]");
      gateway.call("eth_getTransactionReceipt", "[\"" + tx + "\"]");
      gateway.call("eth_getLogs", logs);
      gateway.call("eth_getBlockByHash", "[\"" + before.get("hash").asText() + "\",false]");
    }

    node.call("anvil_reorg", "[" + (head(node) - block + 1) + ",[]]");
    JsonNode after = node.call("eth_getBlockByNumber", "[" + number + ",false]");
    assertNotEquals(before.get("hash"), after.get("hash"), "anvil replaced the block");

    assertEquals(after, gateway.call("eth_getBlockByNumber", "[" + number + ",false]"));
    assertEquals(
        node.call("eth_getTransactionReceipt", "[\"" + tx + "\"]"),
        gateway.call("eth_getTransactionReceipt", "[\"" + tx + "\"]"));
    assertEquals(node.call("eth_getLogs", logs), gateway.call("eth_getLogs", logs));
    assertEquals(0, gateway.call("eth_getLogs", logs).size(), "the replaced block's log is gone");
    assertEquals(
        node.call("eth_getBlockByHash", "[\"" + before.get("hash").asText() + "\",false]"),
        gateway.call("eth_getBlockByHash", "[\"" + before.get("hash").asText() + "\",false]"));
  }

  @Test
  void getLogsOverTenTimesTheUpstreamCapIsExactlyWhatTheNodeReturns() throws Exception {
    long from = head(node) + 1;
    for (int i = 0; i < 12; i++) {
      sendTransaction(EMIT_LOG);
      if (i % 3 == 0) {
        node.call("anvil_mine", "[\"0x19\"]");
      }
    }
    long to = head(node);
    assertTrue(to - from + 1 > 100, "a range of " + (to - from + 1) + " blocks");
    String filter =
        "[{\"fromBlock\":\"0x"
            + Long.toHexString(from)
            + "\",\"toBlock\":\"0x"
            + Long.toHexString(to)
            + "\"}]";
    JsonNode direct = node.call("eth_getLogs", filter);
    assertEquals(12, direct.size(), "logs emitted");
    headSeen(to);
    proxy.reset();
    assertEquals(direct, gateway.call("eth_getLogs", filter));
    long chunks = upstreamCalls("eth_getLogs");
    assertTrue(chunks >= 10, chunks + " upstream requests");
    for (String body : proxy.bodies()) {
      if (body.contains("eth_getLogs")) {
        JsonNode f = Gateway.JSON.readTree(body).get("params").get(0);
        long span =
            Long.decode(f.get("toBlock").asText()) - Long.decode(f.get("fromBlock").asText()) + 1;
        assertTrue(span <= 10, "a chunk of " + span + " blocks: " + body);
      }
    }
    String withTag =
        "[{\"fromBlock\":\"0x" + Long.toHexString(from) + "\",\"toBlock\":\"latest\"}]";
    assertEquals(
        direct, gateway.call("eth_getLogs", withTag), "latest is resolved against the head");
  }

  @Test
  void hitsAndMissesAreCountedByNetworkAndMethodAndShownAsARatio() {
    finalize(3);
    ask("eth_getBlockByNumber", "[\"0x3\",true]");
    assertEquals("HIT", ask("eth_getBlockByNumber", "[\"0x3\",true]").header("X-Cache"));
    String metrics = gateway.ops("/metrics").body();
    for (String name : List.of("rpcshield_cache_hits_total", "rpcshield_cache_misses_total")) {
      Matcher m =
          Pattern.compile(
                  "(?m)^"
                      + name
                      + "\\{method=\"eth_getBlockByNumber\",mp_scope=\"application\",network=\"default\",?\\} ([0-9.]+)$")
              .matcher(metrics);
      assertTrue(m.find(), name + " in " + metrics);
      assertTrue(Double.parseDouble(m.group(1)) >= 1, m.group());
    }
    assertTrue(metrics.contains("rpcshield_cache_stored_bytes_total{"), "bytes stored");
    assertEquals(
        List.of(),
        MonitoringNames.missing(metrics, name -> name.startsWith("rpcshield_cache_")),
        "cache metrics the dashboard and alert rules (k8s/monitoring) use, missing from the scrape");
    JsonNode stats = new Admin(gateway).call("GET", "/cache", null).json();
    assertTrue(stats.get("enabled").asBoolean(), stats.toString());
    assertTrue(stats.get("hits").asLong() >= 1, stats.toString());
    double ratio = stats.get("hitRatio").asDouble();
    assertTrue(ratio > 0 && ratio < 1, stats.toString());
  }

  @Test
  void aChunkTheUpstreamRefusesAsTooLargeIsBisectedAround() throws Exception {
    long from = head(node) + 1;
    for (int i = 0; i < 6; i++) {
      sendTransaction(EMIT_LOG);
      node.call("anvil_mine", "[\"0x4\"]");
    }
    long to = head(node);
    String filter =
        "[{\"fromBlock\":\"0x"
            + Long.toHexString(from)
            + "\",\"toBlock\":\"0x"
            + Long.toHexString(to)
            + "\"}]";
    JsonNode direct = node.call("eth_getLogs", filter);
    assertEquals(6, direct.size());
    headSeen(to);
    proxy.reset();
    proxy.logsCap(4);
    proxy.mode(ChaosProxy.Mode.LOGS_RANGE_CAP);
    try {
      assertEquals(direct, gateway.call("eth_getLogs", filter));
    } finally {
      proxy.mode(ChaosProxy.Mode.FORWARD);
    }
    List<Long> spans = new ArrayList<>();
    for (String body : proxy.bodies()) {
      if (body.contains("eth_getLogs")) {
        JsonNode f = Gateway.JSON.readTree(body).get("params").get(0);
        spans.add(
            Long.decode(f.get("toBlock").asText()) - Long.decode(f.get("fromBlock").asText()) + 1);
      }
    }
    assertTrue(spans.contains(10L), "10-block chunks were sent and refused: " + spans);
    assertTrue(spans.stream().anyMatch(n -> n <= 4), "then smaller ones: " + spans);
  }

  @Test
  void overTheGatewayCapTheRefusalIsClear() {
    if (head(node) < 0x1f4) {
      node.call("anvil_mine", "[\"0x" + Long.toHexString(0x1f4 - head(node)) + "\"]");
    }
    headSeen(0x1f4);
    Gateway.Response r = ask("eth_getLogs", "[{\"fromBlock\":\"0x0\",\"toBlock\":\"0x1f4\"}]");
    assertEquals(200, r.status(), r.body());
    assertEquals(-32016, r.json().get("error").get("code").asInt(), r.body());
    assertTrue(
        r.json().get("error").get("message").asText().contains("at most 500 blocks"), r.body());
  }

  @Test
  void aRangeOfMoreChunksThanTheBoundIsRefusedBeforeAnyUpstreamRequest() {
    if (head(node) < 0x12c) {
      node.call("anvil_mine", "[\"0x" + Long.toHexString(0x12c - head(node)) + "\"]");
    }
    headSeen(0x12c);
    proxy.reset();
    Gateway.Response r = ask("eth_getLogs", "[{\"fromBlock\":\"0x0\",\"toBlock\":\"0x12c\"}]");
    assertEquals(200, r.status(), r.body());
    assertEquals(-32016, r.json().get("error").get("code").asInt(), r.body());
    assertTrue(
        r.json()
            .get("error")
            .get("message")
            .asText()
            .contains("31 upstream requests of at most 10 blocks; at most 30 per request"),
        r.body());
    assertEquals(0, upstreamCalls("eth_getLogs"), "refused before any upstream: " + proxy.bodies());

    String thirty = "[{\"fromBlock\":\"0x0\",\"toBlock\":\"0x127\"}]";
    assertEquals(node.call("eth_getLogs", thirty), gateway.call("eth_getLogs", thirty));
    assertTrue(upstreamCalls("eth_getLogs") <= 30, "split: " + proxy.bodies());
  }

  /**
   * However a client writes fromBlock and toBlock, the gateway's cap holds for what anvil would
   * return, and a split answer is anvil's own: a toBlock above the head is the head, a fromBlock
   * above it gets anvil's error.
   */
  @Test
  void getLogsBoundsAreReadAsTheNodeReadsThem() {
    if (head(node) < 600) {
      node.call("anvil_mine", "[\"0x" + Long.toHexString(600 - head(node)) + "\"]");
    }
    for (int i = 0; i < 3; i++) {
      sendTransaction(EMIT_LOG);
      node.call("anvil_mine", "[\"0x14\"]");
    }
    long head = head(node);
    headSeen(head);
    proxy.reset();
    for (String filter :
        List.of(
            "{\"fromBlock\":\"0x0\",\"toBlock\":\"safe\"}",
            "{\"fromBlock\":\"0x0\",\"toBlock\":\"0x7fffffffffffffff\"}",
            "{\"fromBlock\":\"0x0\",\"toBlock\":\"0x8000000000000000\"}",
            "{\"fromBlock\":\"0x0\",\"toBlock\":\"0xffffffffffffffff\"}",
            "{\"fromBlock\":\"0x0\",\"toBlock\":\"LATEST\"}",
            "{\"blockHash\":null,\"fromBlock\":\"0x0\"}")) {
      assertTrue(node.call("eth_getLogs", "[" + filter + "]").size() >= 2, "anvil: " + filter);
      Gateway.Response r = ask("eth_getLogs", "[" + filter + "]");
      assertEquals(200, r.status(), filter + " " + r.body());
      assertEquals(-32016, r.json().get("error").get("code").asInt(), r.body());
    }
    for (String filter :
        List.of(
            "{\"fromBlock\":\"0x0\",\"toBlock\":\"0x10000000000000000\"}",
            "{\"fromBlock\":\"latest\",\"FROMBLOCK\":\"0x0\"}")) {
      Gateway.Response r = ask("eth_getLogs", "[" + filter + "]");
      assertEquals(200, r.status(), filter + " " + r.body());
      assertEquals(-32602, r.json().get("error").get("code").asInt(), r.body());
    }
    assertEquals(0, upstreamCalls("eth_getLogs"), "refused before any upstream: " + proxy.bodies());

    String near = "\"0x" + Long.toHexString(head - 50) + "\"";
    for (String filter :
        List.of(
            "{\"fromBlock\":" + near + ",\"toBlock\":\"0x" + Long.toHexString(head + 100) + "\"}",
            "{\"fromBlock\":" + near + ",\"toBlock\":\"0xffffffffffffffff\"}",
            "{\"fromBlock\":" + near + ",\"toBlock\":\"pending\"}",
            "{\"fromBlock\":\"finalized\",\"toBlock\":\"safe\"}")) {
      JsonNode direct = node.call("eth_getLogs", "[" + filter + "]");
      assertTrue(direct.size() >= 1, "anvil: " + filter);
      proxy.reset();
      assertEquals(direct, gateway.call("eth_getLogs", "[" + filter + "]"), filter);
      assertTrue(upstreamCalls("eth_getLogs") >= 4, "split: " + proxy.bodies());
    }
    String above =
        "[{\"fromBlock\":\"0x"
            + Long.toHexString(head + 5)
            + "\",\"toBlock\":\"0x"
            + Long.toHexString(head + 100)
            + "\"}]";
    JsonNode refused = node.post(rpc(above)).json().get("error");
    assertEquals(-32602, refused.get("code").asInt(), refused.toString());
    assertEquals(refused, ask("eth_getLogs", above).json().get("error"));
  }

  private static String rpc(String getLogsParams) {
    return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"eth_getLogs\",\"params\":"
        + getLogsParams
        + "}";
  }
}
