package dev.rpcshield.upstream;

import dev.rpcshield.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The networks this gateway serves. Without {@code rpcshield.networks} the global keys form one
 * network named {@code default}, exactly as before networks existed; with it, each named network
 * reads {@code rpcshield.network.<name>.X} for every {@code rpcshield.X}, falling back to the
 * global value, except for its upstreams, groups, chain id and hosts, which are its own.
 *
 * @param networks in declaration order
 * @param defaultNetwork the one served at {@code /} and {@code /v1/<key>} ({@code
 *     rpcshield.default-network}, default the first)
 * @param chainCheckInterval how often every upstream's eth_chainId is checked again, so one on the
 *     wrong chain comes back by itself once fixed (default 30 s)
 * @param readyRequiresUpstreams whether readiness fails while no upstream of any network can serve
 *     ({@code rpcshield.health.require-upstreams}, default false: the instance stays ready and
 *     answers -32011 itself, since an outage every instance shares is not fixed by removing them)
 */
public record NetworksConfig(
    List<NetworkConfig> networks,
    String defaultNetwork,
    Duration chainCheckInterval,
    boolean readyRequiresUpstreams) {

  /** The name of the one network the global keys form. */
  public static final String SINGLE = "default";

  /** Path segments that are endpoints of their own, so no network may be named after them. */
  private static final Set<String> RESERVED = Set.of("v1", "admin", "health", "metrics");

  public NetworksConfig {
    networks = List.copyOf(networks);
  }

  public static NetworksConfig read(Settings s) {
    Duration interval =
        s.duration("rpcshield.upstream.chain-check-interval", Duration.ofSeconds(30));
    Settings.require(
        !interval.isZero() && !interval.isNegative(),
        "rpcshield.upstream.chain-check-interval",
        interval,
        "a positive duration");
    boolean requireUpstreams = s.bool("rpcshield.health.require-upstreams", false);
    List<String> names = s.list("rpcshield.networks", List.of());
    if (names.isEmpty()) {
      NetworkConfig single =
          new NetworkConfig(SINGLE, chainId(s, false), List.of(), UpstreamsConfig.read(s));
      return new NetworksConfig(List.of(single), SINGLE, interval, requireUpstreams);
    }
    List<NetworkConfig> networks = new ArrayList<>();
    Map<String, String> hostOwners = new HashMap<>();
    Set<String> upstreamNames = new HashSet<>();
    for (String name : names) {
      Settings.require(
          name.matches("[A-Za-z0-9]+") && !RESERVED.contains(name.toLowerCase(Locale.ROOT)),
          "rpcshield.networks",
          name,
          "names of letters and digits, none of " + RESERVED);
      Settings.require(
          networks.stream().noneMatch(n -> n.name().equals(name)),
          "rpcshield.networks",
          name,
          "each network named once");
      Settings n = s.forNetwork(name);
      UpstreamsConfig upstreams = UpstreamsConfig.read(n);
      for (UpstreamSettings u : upstreams.upstreams()) {
        Settings.require(
            upstreamNames.add(u.name()),
            n.scoped("rpcshield.upstreams"),
            u.name(),
            "upstream names unique across networks");
      }
      List<String> hosts = new ArrayList<>();
      for (String h : n.list("rpcshield.hosts", List.of())) {
        String host = h.toLowerCase(Locale.ROOT);
        String owner = hostOwners.putIfAbsent(host, name);
        Settings.require(
            owner == null, n.scoped("rpcshield.hosts"), h, "a host no other network names");
        hosts.add(host);
      }
      networks.add(new NetworkConfig(name, chainId(n, true), hosts, upstreams));
    }
    String fallback = s.string("rpcshield.default-network", names.get(0));
    Settings.require(
        names.contains(fallback),
        "rpcshield.default-network",
        fallback,
        "one of rpcshield.networks " + names);
    return new NetworksConfig(networks, fallback, interval, requireUpstreams);
  }

  private static long chainId(Settings s, boolean required) {
    String key = s.scoped("rpcshield.chain-id");
    String text = s.optional("rpcshield.chain-id").orElse(null);
    if (text == null) {
      Settings.require(!required, key, "", "the network's chain id, e.g. 1 or 0x1");
      return 0;
    }
    long id = Settings.parse(key, text, Long::decode);
    Settings.require(id > 0, key, text, "a positive chain id");
    return id;
  }
}
