package dev.rpcshield.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;

/**
 * Typed reads of RpcShield's MicroProfile Config keys, with the documented defaults and a startup
 * error that names the key when a value cannot be read.
 */
public final class Settings {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  private final Config config;

  /** Keys looked up under this network's prefix first; null for the global keys. */
  private final String network;

  public Settings(Config config) {
    this(config, null);
  }

  private Settings(Config config, String network) {
    this.config = config;
    this.network = network;
  }

  /**
   * The keys as network {@code name} sees them: {@code rpcshield.network.<name>.X} for {@code
   * rpcshield.X}, else the global {@code rpcshield.X}, except for the keys that only a network
   * itself can set (its upstreams, groups, chain id and host names), which never fall back.
   */
  public Settings forNetwork(String name) {
    return new Settings(config, name);
  }

  /** The network these settings are scoped to, or null for the global view. */
  public String network() {
    return network;
  }

  /** Whether a network must set {@code key} itself: upstream names and chains are its own. */
  private static boolean networkOwn(String key) {
    return key.equals("rpcshield.upstreams")
        || key.equals("rpcshield.upstreams.ws")
        || key.equals("rpcshield.groups")
        || key.startsWith("rpcshield.group.")
        || key.equals("rpcshield.chain-id")
        || key.equals("rpcshield.hosts");
  }

  /**
   * The key a scoped read of {@code key} names first ({@code
   * rpcshield.network.<n>.upstream.timeout} for {@code rpcshield.upstream.timeout}): what error
   * messages name.
   */
  public String scoped(String key) {
    return network == null ? key : "rpcshield.network." + network + key.substring(9);
  }

  /** Every property name the configuration knows (environment variables in both forms). */
  public Iterable<String> propertyNames() {
    return config.getPropertyNames();
  }

  public Optional<String> optional(String key) {
    if (network == null) {
      return raw(key);
    }
    Optional<String> own = raw(scoped(key));
    return own.isPresent() || networkOwn(key) ? own : raw(key);
  }

  /** The key that gave {@code key}'s value: the network's own when it set one. */
  private String named(String key) {
    return network != null && raw(scoped(key)).isPresent() ? scoped(key) : key;
  }

  private Optional<String> raw(String key) {
    return config.getOptionalValue(key, String.class).map(String::trim).filter(s -> !s.isEmpty());
  }

  public String string(String key, String fallback) {
    return optional(key).orElse(fallback);
  }

  public int integer(String key, int fallback) {
    return optional(key).map(v -> parse(named(key), v, Integer::parseInt)).orElse(fallback);
  }

  public long longValue(String key, long fallback) {
    return optional(key).map(v -> parse(named(key), v, Long::parseLong)).orElse(fallback);
  }

  public double decimal(String key, double fallback) {
    return optional(key).map(v -> parse(named(key), v, Double::parseDouble)).orElse(fallback);
  }

  public boolean bool(String key, boolean fallback) {
    return optional(key)
        .map(v ->
            switch (v.toLowerCase(Locale.ROOT)) {
              case "true", "yes", "on" -> true;
              case "false", "no", "off" -> false;
              default -> throw invalid(named(key), v, "true or false");
            })
        .orElse(fallback);
  }

  public Duration duration(String key, Duration fallback) {
    return optional(key).map(v -> parseDuration(named(key), v)).orElse(fallback);
  }

  /** A comma-separated list, blanks dropped. */
  public List<String> list(String key, List<String> fallback) {
    return optional(key).map(Settings::splitList).orElse(fallback);
  }

  /** A comma-separated {@code name=value} list in its given order. */
  public Map<String, String> pairs(String key, String fallback) {
    String text = string(key, fallback);
    Map<String, String> out = new LinkedHashMap<>();
    for (String item : splitList(text)) {
      int eq = item.indexOf('=');
      if (eq <= 0 || eq == item.length() - 1) {
        throw invalid(named(key), item, "name=value");
      }
      out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
    }
    return out;
  }

  /** A comma-separated {@code name=number} list in its given order. */
  public Map<String, Double> numberPairs(String key) {
    Map<String, Double> out = new LinkedHashMap<>();
    pairs(key, "")
        .forEach((name, value) -> out.put(name, parse(named(key), value, Double::parseDouble)));
    return out;
  }

  public static List<String> splitList(String text) {
    List<String> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  /** Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
  public static Duration parseDuration(String key, String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw invalid(key, text, "a duration such as 500ms, 30s, 5m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /**
   * Reads {@code value} of {@code key} with {@code f}; a number that does not parse names the key.
   */
  public static <T> T parse(String key, String value, Function<String, T> f) {
    try {
      return f.apply(value);
    } catch (NumberFormatException e) {
      throw invalid(key, value, "a number");
    }
  }

  /** Fails with the key's name unless {@code ok}: for values that parse but cannot be used. */
  public static void require(boolean ok, String key, Object value, String expected) {
    if (!ok) {
      throw invalid(key, String.valueOf(value), expected);
    }
  }

  /**
   * The start-up error for a value that cannot be used: it names the key, the value as operators
   * may see it ({@link Masking#echoed}) and why.
   */
  public static IllegalArgumentException invalid(String key, String value, String expected) {
    return new IllegalArgumentException(
        "configuration "
            + key
            + "='"
            + Masking.echoed(key, value)
            + "' is not valid: expected "
            + expected);
  }
}
