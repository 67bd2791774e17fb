package dev.rpcshield.upstream;

import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.MapConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Networks for tests outside this package: named, on an upstream nothing ever calls. */
public final class TestNetworks {
  private TestNetworks() {}

  /** A network called {@code name} that serves {@code hosts}; it starts no thread. */
  public static Network named(String name, String... hosts) {
    Map<String, String> v = new HashMap<>();
    v.put("rpcshield.networks", name);
    v.put("rpcshield.network." + name + ".chain-id", "1");
    v.put("rpcshield.network." + name + ".upstreams", "u=http://127.0.0.1:1");
    if (hosts.length > 0) {
      v.put("rpcshield.network." + name + ".hosts", String.join(",", hosts));
    }
    NetworkConfig config = NetworksConfig.read(new Settings(new MapConfig(v))).networks().get(0);
    return new Network(
        config,
        new HttpUpstreamTransport(Duration.ofSeconds(1), 1 << 20),
        TestUpstreams.WEB_SOCKETS,
        Clock.systemUTC(),
        (delay, task) -> () -> {});
  }
}
