package dev.rpcshield.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.config.Current;
import dev.rpcshield.config.Generation;
import dev.rpcshield.config.Settings;
import dev.rpcshield.limit.LimitsConfig;
import dev.rpcshield.testing.MapConfig;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The configuration as a whole: every area refuses a bad value with the key's name, and the keys
 * the code reads are exactly the table of docs/configuration.md ("Configuration") (plus the
 * server.xml variables it lists).
 */
class ConfigurationTest {

  /** A configuration naming one of each kind of dynamic key, so their reads show up. */
  private static final Map<String, String> EVERY_KIND =
      Map.ofEntries(
          Map.entry("rpcshield.upstreams", "a=http://127.0.0.1:1"),
          Map.entry("rpcshield.groups", "g"),
          Map.entry("rpcshield.group.g.upstreams", "a"),
          Map.entry("rpcshield.upstreams.ws", "w=ws://127.0.0.1:2"),
          Map.entry("rpcshield.redis.url", "redis://127.0.0.1:6379"),
          Map.entry("rpcshield.tier.gold.rps", "5"),
          Map.entry("rpcshield.jwt.issuer", "https://id.example"),
          Map.entry("rpcshield.jwt.audience", "rpcshield"),
          Map.entry("rpcshield.admin.jwt.issuer", "https://id.example"),
          Map.entry("rpcshield.admin.jwt.jwks-url", "https://id.example/keys"),
          Map.entry("rpcshield.admin.jwt.audience", "rpcshield-admin"));

  /** The same kinds declared as network n1's, so the per-network reads show up too. */
  private static final Map<String, String> NETWORKED =
      Map.of(
          "rpcshield.networks", "n1",
          "rpcshield.network.n1.chain-id", "1",
          "rpcshield.network.n1.hosts", "n1.example",
          "rpcshield.network.n1.upstreams", "a=http://127.0.0.1:1",
          "rpcshield.network.n1.groups", "g",
          "rpcshield.network.n1.group.g.upstreams", "a",
          "rpcshield.network.n1.upstreams.ws", "w=ws://127.0.0.1:2");

  /**
   * A network's own keys (never taken from the global ones) as docs/configuration.md names them.
   */
  private static final Pattern NETWORK_OWN =
      Pattern.compile("^(upstreams|upstreams\\.ws|groups|group\\..*|chain-id|hosts)$");

  private static Configuration.Snapshot read(Map<String, String> values) {
    return Configuration.Snapshot.read(new Settings(new MapConfig(values)));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "rpcshield.limits.max-batch-size|0",
        "rpcshield.trusted-proxies|10.0.0.0/99",
        "rpcshield.upstream.timeout|soon",
        "rpcshield.upstream.a.max-in-flight|lots",
        "rpcshield.anonymous.rps|-1",
        "rpcshield.redis.url|http://127.0.0.1:6379",
        "rpcshield.cu.overrides|eth_call=thirty",
        "rpcshield.usage.flush-interval|5 parsecs",
        "rpcshield.keys.cache-size|0",
        "rpcshield.sender.allowed-chain-ids|mainnet",
        "rpcshield.sender.interval|0s",
        "rpcshield.ratewatch.max-series|0",
        "rpcshield.ratewatch.flag-window|forever",
        "rpcshield.ws.max-in-flight|0",
        "rpcshield.upstreams.ws|w=http://127.0.0.1:2",
        "rpcshield.tier.gold.sender-exempt|perhaps",
        "rpcshield.cors.allowed-origins|app.example/path",
        "rpcshield.cors.max-age|a while",
        "rpcshield.cache.cu-factor|2",
        "rpcshield.cache.store|disk",
        "rpcshield.cache.realtime-ttl|eth_gasPrice=1m",
        "rpcshield.cache.realtime-ttl|eth_blockNumber=1s",
        "rpcshield.getlogs.max-range|-1",
        "rpcshield.upstream.a.getlogs-max-range|wide",
      })
  void aBadValueInAnyAreaIsRefusedWithItsKey(String key, String value) {
    Map<String, String> values = new HashMap<>(EVERY_KIND);
    values.put(key, value);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(values));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "https://mainnet.infura.io/v3/infkey1",
        "a=http://127.0.0.1:1,https://rpcuser:rpcpass2@mainnet.infura.io/v3/infkey3?k=v",
      })
  void aRefusalShowsNoUrlsCredentialsPathOrQueryWhicheverPartWroteIt(String upstreams) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> read(Map.of("rpcshield.upstreams", upstreams)));
    assertTrue(e.getMessage().contains("mainnet.infura.io"), e.getMessage());
    for (String secret : List.of("infkey1", "rpcuser", "rpcpass2", "infkey3")) {
      assertFalse(e.getMessage().contains(secret), e.getMessage());
    }
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "rpcshield.upstreams|a=http://127.0.0.1:1,https://leakuser:pa/ss5@mainnet.infura.io/v3/k5",
        "rpcshield.upstreams|a=http://127.0.0.1:1,mainnet.infura.io/v3/k5",
        "rpcshield.upstreams|a=http://127.0.0.1:1,wss//leakuser/k5",
        "rpcshield.upstreams|a=http://127.0.0.1:1,mainnet.infura.io/v3/k5?leakuser=1",
        "rpcshield.upstreams.ws|w=wss://mainnet.infura.io\\ws\\v3\\k5",
        "rpcshield.redis.url|redis://leakuser:pa/ss5@redis.example:6379",
      })
  void aMalformedUrlIsRefusedWithItsKeyAndNothingOfItsSecrets(String key, String value) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> read(Map.of(key, value)));
    assertTrue(e.getMessage().contains(key), e.getMessage());
    for (String secret : List.of("leakuser", "pa/ss5", "k5")) {
      assertFalse(e.getMessage().contains(secret), e.getMessage());
    }
  }

  @Test
  void aRefusalWithoutAMessageIsStillAMessageAndKeepsWhereItWasRaised() {
    IllegalArgumentException raised = new IllegalArgumentException();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> readFailing(raised));
    assertEquals("the configuration is not valid", e.getMessage());
    assertArrayEquals(raised.getStackTrace(), e.getStackTrace());
  }

  @Test
  void aRefusalsMessageIsMaskedAndKeepsWhereItWasRaisedButNotTheUnmaskedCause() {
    IllegalArgumentException raised =
        new IllegalArgumentException("upstream x: https://u:p@h.example/v3/k9 is down");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> readFailing(raised));
    assertEquals("upstream x: https://****@h.example/**** is down", e.getMessage());
    assertArrayEquals(raised.getStackTrace(), e.getStackTrace());
    assertNull(e.getCause());
  }

  /** Reads a configuration whose source fails with {@code raised} on one key, as a part would. */
  private static Configuration.Snapshot readFailing(IllegalArgumentException raised) {
    MapConfig values = new MapConfig(Map.of());
    Config failing =
        (Config)
            Proxy.newProxyInstance(
                Config.class.getClassLoader(),
                new Class<?>[] {Config.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getOptionalValue")
                      && "rpcshield.anonymous.rps".equals(args[0])) {
                    throw raised;
                  }
                  return method.invoke(values, args);
                });
    return Configuration.Snapshot.read(new Settings(failing));
  }

  @Test
  void aRequestSeesTheConfigurationItBeganUnderUntilItEnds() {
    MapConfig values = new MapConfig(Map.of("rpcshield.anonymous.rps", "10"));
    Configuration configuration = new Configuration();
    configuration.clock = Clock.systemUTC();
    configuration.read(values);
    Current<LimitsConfig> limits = configuration.limits();
    assertEquals(1, configuration.generation().version());

    Generation request = configuration.generation();
    values.set("rpcshield.anonymous.rps", "50");
    Generation next =
        configuration.next(Configuration.Snapshot.read(new Settings(configuration.source())));
    assertEquals(2, next.version());
    assertEquals(10, limits.get().anonymousRps(), "a generation is not in effect until applied");
    configuration.apply(next);
    assertEquals(
        10,
        request.get(LimitsConfig.class).anonymousRps(),
        "the request begun under version 1 still sees it");
    assertEquals(
        10,
        CompletableFuture.supplyAsync(() -> request.get(LimitsConfig.class).anonymousRps()).join(),
        "and so does a piece of its work on another thread");
    assertEquals(50, limits.get().anonymousRps(), "code outside a request sees version 2");
    assertEquals(
        50,
        configuration.generation().get(LimitsConfig.class).anonymousRps(),
        "the next request sees version 2");
  }

  @Test
  void theDefaultsAreReadWithoutAnyKeySet() {
    Configuration.Snapshot defaults = read(Map.of());
    assertEquals(3, defaults.networks().networks().get(0).upstreams().upstreams().size());
    assertEquals(null, defaults.limits().redis());
    assertEquals(null, defaults.admin().token());
  }

  @Test
  void theKeysReadAreTheKeysReadmeDocuments() throws IOException {
    MapConfig config = new MapConfig(EVERY_KIND);
    Configuration.Snapshot.read(new Settings(config));
    MapConfig networked = new MapConfig(NETWORKED);
    Configuration.Snapshot.read(new Settings(networked));
    Set<String> read = new TreeSet<>();
    for (String key : config.asked()) {
      read.add(documented(key));
    }
    for (String key : networked.asked()) {
      if (key.startsWith("rpcshield.network.n1.")) {
        String rest = key.substring("rpcshield.network.n1.".length());
        read.add(
            NETWORK_OWN.matcher(rest).matches()
                ? documented("rpcshield." + rest)
                    .replaceFirst("^rpcshield\\.", "rpcshield.network.<n>.")
                : "rpcshield.network.<n>.<key>");
      } else {
        read.add(documented(key));
      }
    }
    Set<String> documented = readmeKeys();
    Set<String> undocumented = new TreeSet<>(read);
    undocumented.removeAll(documented);
    assertEquals(
        Set.of(), undocumented, "keys the code reads that docs/configuration.md's table lacks");

    String serverXml = Files.readString(Path.of("liberty/server.xml"));
    Set<String> unread = new TreeSet<>(documented);
    unread.removeAll(read);
    unread.removeIf(k -> serverXml.contains("<variable name=\"" + k + "\""));
    assertEquals(
        Set.of(), unread, "docs/configuration.md keys that neither the code nor server.xml reads");
  }

  /**
   * A key as the configuration table names it, placeholders for the names a configuration gives.
   */
  private static String documented(String key) {
    return key.replaceFirst("^rpcshield\\.upstream\\.a\\.", "rpcshield.upstream.<name>.")
        .replaceFirst("^rpcshield\\.group\\.(default|g)\\.", "rpcshield.group.<g>.")
        .replaceFirst("^rpcshield\\.tier\\.[a-z0-9]+\\.", "rpcshield.tier.<tier>.");
  }

  /**
   * The keys in the first column of docs/configuration.md's configuration table, which must be one
   * table (no blank line splitting it); {@code .suffix} after a key stands for that key's stem plus
   * suffix.
   */
  private static Set<String> readmeKeys() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("docs/configuration.md"));
    int header = lines.indexOf("| key | meaning | default |");
    assertTrue(header > 0, "docs/configuration.md has the configuration table");
    List<String> rows = new ArrayList<>();
    for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      rows.add(lines.get(i));
    }
    int after = header + 2 + rows.size();
    assertTrue(
        after + 1 >= lines.size() || !lines.get(after + 1).startsWith("| `rpcshield."),
        "the configuration table is split by a blank line at docs/configuration.md line "
            + (after + 1));
    Pattern code = Pattern.compile("`([^`]+)`");
    Pattern defaultKey = Pattern.compile("`(rpcshield\\.[^`]+)` =");
    Set<String> keys = new TreeSet<>();
    for (String row : rows) {
      String first = row.split("\\|")[1];
      String last = null;
      Matcher m = code.matcher(first);
      while (m.find()) {
        String token = m.group(1);
        if (token.startsWith(".") && last != null) {
          token = last.substring(0, last.lastIndexOf('.')) + token;
        } else if (!token.startsWith("rpcshield.") && !token.equals("http.port")) {
          continue;
        }
        keys.add(token);
        last = token;
      }
      Matcher fallback = defaultKey.matcher(row.substring(row.lastIndexOf('|', row.length() - 2)));
      while (fallback.find()) {
        keys.add(fallback.group(1));
      }
    }
    return keys;
  }
}
