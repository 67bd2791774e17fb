package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.MapConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworksConfigTest {
  private static NetworksConfig read(Map<String, String> values) {
    return NetworksConfig.read(new Settings(new MapConfig(values)));
  }

  private static Map<String, String> twoNetworks() {
    Map<String, String> v = new HashMap<>();
    v.put("rpcshield.networks", "mainnet,base");
    v.put("rpcshield.network.mainnet.chain-id", "1");
    v.put("rpcshield.network.mainnet.upstreams", "m1=http://127.0.0.1:1,m2=http://127.0.0.1:2");
    v.put("rpcshield.network.base.chain-id", "0x2105");
    v.put("rpcshield.network.base.upstreams", "b1=http://127.0.0.1:3");
    v.put("rpcshield.network.base.hosts", "Base.RPC.example.com");
    return v;
  }

  @Test
  void withoutNetworksTheGlobalKeysFormOneNetworkAsBefore() {
    NetworksConfig c = read(Map.of("rpcshield.upstreams", "a=http://127.0.0.1:1"));
    assertEquals(1, c.networks().size());
    NetworkConfig only = c.networks().get(0);
    assertEquals("default", only.name());
    assertEquals("default", c.defaultNetwork());
    assertEquals(0, only.chainId(), "no chain id: nothing is checked");
    assertEquals("a", only.upstreams().upstreams().get(0).name());
    assertEquals(
        31337,
        read(Map.of("rpcshield.chain-id", "31337")).networks().get(0).chainId(),
        "one network may name its chain too");
  }

  @Test
  void eachNetworkHasItsOwnUpstreamsChainAndHostsAndInheritsTheRest() {
    Map<String, String> v = twoNetworks();
    v.put("rpcshield.upstream.timeout", "3s");
    v.put("rpcshield.network.base.upstream.timeout", "7s");
    v.put("rpcshield.upstreams", "global=http://127.0.0.1:9");
    NetworksConfig c = read(v);
    NetworkConfig mainnet = c.networks().get(0);
    NetworkConfig base = c.networks().get(1);
    assertEquals("mainnet", c.defaultNetwork(), "the first unless named");
    assertEquals(1, mainnet.chainId());
    assertEquals(8453, base.chainId());
    assertEquals(List.of("base.rpc.example.com"), base.hosts());
    assertEquals(
        List.of("m1", "m2"),
        mainnet.upstreams().upstreams().stream().map(UpstreamSettings::name).toList(),
        "a network never takes the global upstreams");
    assertEquals(Duration.ofSeconds(3), mainnet.upstreams().upstreams().get(0).timeout());
    assertEquals(Duration.ofSeconds(7), base.upstreams().upstreams().get(0).timeout());
  }

  @Test
  void theDefaultNetworkCanBeNamed() {
    Map<String, String> v = twoNetworks();
    v.put("rpcshield.default-network", "base");
    assertEquals("base", read(v).defaultNetwork());
    v.put("rpcshield.default-network", "sepolia");
    assertRefused(v, "rpcshield.default-network");
  }

  @Test
  void badNetworkDeclarationsAreRefusedWithTheirKey() {
    Map<String, String> v = twoNetworks();
    v.remove("rpcshield.network.base.chain-id");
    assertRefused(v, "rpcshield.network.base.chain-id");

    v = twoNetworks();
    v.put("rpcshield.network.base.chain-id", "base");
    assertRefused(v, "rpcshield.network.base.chain-id");

    v = twoNetworks();
    v.remove("rpcshield.network.base.upstreams");
    assertRefused(v, "rpcshield.network.base.upstreams");

    v = twoNetworks();
    v.put("rpcshield.network.base.upstreams", "m1=http://127.0.0.1:3");
    assertRefused(v, "rpcshield.network.base.upstreams");

    v = twoNetworks();
    v.put("rpcshield.network.mainnet.hosts", "base.rpc.example.com");
    assertRefused(v, "rpcshield.network.base.hosts");

    v = twoNetworks();
    v.put("rpcshield.networks", "mainnet,v1");
    assertRefused(v, "rpcshield.networks");

    v = twoNetworks();
    v.put("rpcshield.networks", "main-net");
    assertRefused(v, "rpcshield.networks");

    v = twoNetworks();
    v.put("rpcshield.network.base.upstream.timeout", "soon");
    assertRefused(v, "rpcshield.network.base.upstream.timeout");
  }

  private static void assertRefused(Map<String, String> values, String key) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(values));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  @Test
  void consensusIsOffByDefaultAndItsMethodsNeedAGroupOfEnoughUpstreams() {
    UpstreamsConfig.Consensus off =
        read(Map.of("rpcshield.upstreams", "a=http://127.0.0.1:1"))
            .networks()
            .get(0)
            .upstreams()
            .consensus();
    assertEquals(new UpstreamsConfig.Consensus(java.util.Set.of(), 3, 2), off);

    Map<String, String> v = twoNetworks();
    v.put("rpcshield.consensus.methods", "eth_call");
    v.put("rpcshield.network.base.consensus.methods", ",");
    NetworksConfig c = read(v);
    assertEquals(
        java.util.Set.of("eth_call"), c.networks().get(0).upstreams().consensus().methods());
    assertEquals(java.util.Set.of(), c.networks().get(1).upstreams().consensus().methods());

    v.remove("rpcshield.network.base.consensus.methods");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(v));
    assertTrue(
        e.getMessage().contains("consensus.methods='eth_call' is not valid: expected methods")
            && e.getMessage().endsWith("group default has 1"),
        e.getMessage());

    v.put("rpcshield.network.base.consensus.methods", ",");
    v.put("rpcshield.network.mainnet.consensus.agree", "4");
    assertRefused(v, "rpcshield.network.mainnet.consensus.agree");
    v.remove("rpcshield.network.mainnet.consensus.agree");
    v.put("rpcshield.network.mainnet.consensus.methods", "eth_sendRawTransaction");
    assertRefused(v, "rpcshield.network.mainnet.consensus.methods");
    v.put("rpcshield.network.mainnet.consensus.methods", "eth_*");
    assertRefused(v, "rpcshield.network.mainnet.consensus.methods");
  }

  @Test
  void anUpstreamsStateHistoryIsArchiveOrANumberOfRecentBlocks() {
    Map<String, String> v = new HashMap<>();
    v.put("rpcshield.upstreams", "a=http://127.0.0.1:1,b=http://127.0.0.1:2,c=http://127.0.0.1:3");
    v.put("rpcshield.upstream.b.state-blocks", "archive");
    v.put("rpcshield.upstream.c.state-blocks", "128");
    v.put("rpcshield.upstream.state-recheck", "5m");
    v.put("rpcshield.upstream.c.state-recheck", "1h");
    List<UpstreamSettings> u = read(v).networks().get(0).upstreams().upstreams();
    assertEquals(List.of(0L, 0L, 128L), u.stream().map(UpstreamSettings::stateBlocks).toList());
    assertEquals(
        List.of(Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofHours(1)),
        u.stream().map(UpstreamSettings::stateRecheck).toList());
    v.put("rpcshield.upstream.c.state-blocks", "0");
    assertRefused(v, "rpcshield.upstream.c.state-blocks");
    v.put("rpcshield.upstream.c.state-blocks", "full");
    assertRefused(v, "rpcshield.upstream.c.state-blocks");
  }

  @Test
  void verifiedMethodsAreThoseTheGatewayCanProveWithAQuorumItsUpstreamsCanReach() {
    Map<String, String> v = twoNetworks();
    v.put("rpcshield.network.mainnet.verify.methods", "eth_getBalance,eth_getStorageAt");
    NetworksConfig c = read(v);
    UpstreamsConfig.Verification mainnet = c.networks().get(0).upstreams().verification();
    assertEquals(java.util.Set.of("eth_getBalance", "eth_getStorageAt"), mainnet.methods());
    assertEquals(2, mainnet.headerQuorum());
    assertEquals(1, c.networks().get(1).upstreams().verification().headerQuorum(), "one upstream");

    v.put("rpcshield.network.mainnet.verify.methods", "eth_call");
    assertRefused(v, "rpcshield.network.mainnet.verify.methods");
    v.put("rpcshield.network.mainnet.verify.methods", "eth_getBalance");
    v.put("rpcshield.network.mainnet.consensus.methods", "eth_getBalance");
    assertRefused(v, "rpcshield.network.mainnet.verify.methods");
    v.remove("rpcshield.network.mainnet.consensus.methods");
    v.put("rpcshield.network.mainnet.verify.header-quorum", "3");
    assertRefused(v, "rpcshield.network.mainnet.verify.header-quorum");
  }

  @Test
  void aBasicAuthWithoutAColonIsRefusedWithoutShowingIt() {
    Map<String, String> v = new HashMap<>();
    v.put("rpcshield.upstreams", "a=http://127.0.0.1:1");
    v.put("rpcshield.upstream.a.basic-auth", "s3cretvalue");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(v));
    assertEquals(
        "rpcshield.upstream.a.basic-auth: expected user:password (the value is not shown)",
        e.getMessage());
    v.put("rpcshield.upstream.a.basic-auth", ":s3cretvalue");
    assertEquals(
        "Basic OnMzY3JldHZhbHVl",
        read(v).networks().get(0).upstreams().upstreams().get(0).headers().get("Authorization"),
        "an empty user, as some providers want, is fine");
  }

  /**
   * What docs/configuration.md gives as the way to take every WebSocket upstream away while
   * running.
   */
  @Test
  void aListWithNoEntryMeansNoWebSocketUpstream() {
    assertEquals(
        Map.of(),
        read(Map.of("rpcshield.upstreams.ws", ","))
            .networks()
            .get(0)
            .upstreams()
            .webSocketUpstreams());
    Map<String, String> v = twoNetworks();
    v.put("rpcshield.upstreams.ws", "g=ws://127.0.0.1:5");
    v.put("rpcshield.network.base.upstreams.ws", ",");
    assertEquals(
        Map.of(),
        read(v).networks().get(1).upstreams().webSocketUpstreams(),
        "a network's own empty list does not fall back to the global one");
  }
}
