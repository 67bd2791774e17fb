package dev.rpcshield.account;

import dev.rpcshield.config.Settings;
import dev.rpcshield.identity.Tier;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tiers: free, pro and enterprise by default, and any tier an operator names in config ({@code
 * rpcshield.tier.gold.rps=500}, or {@code RPCSHIELD_TIER_GOLD_RPS=500}). Tier names are letters and
 * digits, lowercase.
 */
public final class Tiers {
  private static final Pattern KEY =
      Pattern.compile("rpcshield[._]tier[._]([A-Za-z0-9]+)[._].*", Pattern.CASE_INSENSITIVE);

  /** Documented defaults: rps, burst, CU/s, monthly CU, WS connections. */
  private static final Map<String, Tier> DEFAULTS =
      Map.of(
          "free", new Tier("free", 25, 50, 500, 30_000_000L, 5, false),
          "pro", new Tier("pro", 100, 200, 2_500, 300_000_000L, 50, false),
          "enterprise", new Tier("enterprise", 500, 1_000, 10_000, 0, 500, false));

  private final Map<String, Tier> tiers = new LinkedHashMap<>();

  public Tiers(Settings s) {
    Set<String> names = new TreeSet<>(DEFAULTS.keySet());
    for (String property : s.propertyNames()) {
      Matcher m = KEY.matcher(property);
      if (m.matches()) {
        names.add(m.group(1).toLowerCase(Locale.ROOT));
      }
    }
    for (String name : names) {
      Tier d = DEFAULTS.getOrDefault(name, DEFAULTS.get("free"));
      String p = "rpcshield.tier." + name + ".";
      double rps = s.decimal(p + "rps", d.rps());
      tiers.put(
          name,
          new Tier(
              name,
              rps,
              s.longValue(
                  p + "burst", DEFAULTS.containsKey(name) ? d.burst() : (long) Math.ceil(rps * 2)),
              s.decimal(p + "cu-per-second", d.cuPerSecond()),
              s.longValue(p + "monthly-cu", d.monthlyCu()),
              s.integer(p + "ws-connections", d.wsConnections()),
              s.bool(p + "sender-exempt", d.senderExempt())));
    }
  }

  public Optional<Tier> tier(String name) {
    return Optional.ofNullable(tiers.get(name));
  }

  public Map<String, Tier> all() {
    return Map.copyOf(tiers);
  }
}
