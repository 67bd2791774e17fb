package dev.rpcshield.upstream;

import java.util.List;

/**
 * One network's configuration: its chain, the host names it answers on, and its upstreams with
 * their tunables ({@code rpcshield.network.<name>.*}, else the global keys).
 *
 * @param name letters and digits; the path segment it is served at ({@code /<name>})
 * @param chainId the chain its upstreams must be on; 0 when none is named (one network from the
 *     global keys without {@code rpcshield.chain-id}), and then nothing is checked
 * @param hosts host names (lower case) whose requests it serves, as providers address networks
 */
public record NetworkConfig(
    String name, long chainId, List<String> hosts, UpstreamsConfig upstreams) {

  public NetworkConfig {
    hosts = List.copyOf(hosts);
  }
}
