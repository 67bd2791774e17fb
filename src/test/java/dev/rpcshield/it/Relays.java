package dev.rpcshield.it;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Relays ({@link ChaosProxy}) named u1, u2, ... in front of one node, on consecutive loopback
 * ports, and the settings of a gateway of a test's own in front of them.
 */
final class Relays implements AutoCloseable {
  private final List<ChaosProxy> relays = new ArrayList<>();
  private final int firstPort;

  /** {@code count} relays to {@code node}: u1 on {@code firstPort}, u2 on the next port... */
  Relays(URI node, int firstPort, int count) {
    this.firstPort = firstPort;
    for (int i = 1; i <= count; i++) {
      relays.add(new ChaosProxy("u" + i, firstPort + i - 1, node));
    }
  }

  /** Relay u{@code n}, counted from 1. */
  ChaosProxy u(int n) {
    return relays.get(n - 1);
  }

  /** The gateway's upstreams: the relays in the order given ({@code 3, 1, 2}: u3 first). */
  String upstreams(int... order) {
    List<String> named = new ArrayList<>();
    for (int n : order) {
      named.add("u" + n + "=http://127.0.0.1:" + (firstPort + n - 1));
    }
    return String.join(",", named);
  }

  /** Every relay forwards again, and forgets what reached it. */
  void honest() {
    for (ChaosProxy p : relays) {
      p.mode(ChaosProxy.Mode.FORWARD);
      p.reset();
    }
  }

  /**
   * The settings of a gateway on chain 31337 in front of {@code upstreams}, with the admin API,
   * anonymous calls unlimited and no response cache (every call must reach the upstreams: the cache
   * would answer repeats), then {@code more}.
   */
  static List<String> gateway(String upstreams, String... more) {
    List<String> settings =
        new ArrayList<>(
            List.of(
                "HTTP_HOST=127.0.0.1",
                "RPCSHIELD_CHAIN_ID=31337",
                "RPCSHIELD_UPSTREAMS=" + upstreams,
                "RPCSHIELD_ADMIN_TOKEN=" + Admin.TOKEN,
                "RPCSHIELD_ANONYMOUS_RPS=100000",
                "RPCSHIELD_CACHE_ENABLED=false"));
    settings.addAll(List.of(more));
    return settings;
  }

  @Override
  public void close() {
    relays.forEach(ChaosProxy::close);
  }
}
