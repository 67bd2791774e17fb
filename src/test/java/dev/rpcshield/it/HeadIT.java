package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.it.ChaosProxy.Mode;
import dev.rpcshield.testing.Eventually;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Head tracking against two real chains: p1 fronts anvil A, p2 is pointed at anvil C, and blocks
 * are mined on one of them only. The test server polls heads every 200 ms and takes an upstream out
 * at more than 3 blocks of lag, back at 1.
 */
class HeadIT extends ItBase {
  private final Gateway nodeA = Gateway.direct(net.anvilA);
  private final Gateway nodeC = Gateway.direct(net.anvilC);

  @BeforeEach
  void splitChains() {
    net.p2.retarget(URI.create(net.anvilC.url()));
    level();
  }

  @AfterEach
  void rejoin() {
    net.heal();
  }

  private static long head(Gateway g) {
    return Long.decode(g.call("eth_blockNumber", "[]").asText());
  }

  private static void mine(Gateway node, long blocks) {
    if (blocks > 0) {
      node.call("anvil_mine", "[\"0x" + Long.toHexString(blocks) + "\"]");
    }
  }

  /** Mines the lower chain up to the higher one, and lets the gateway see it. */
  private void level() {
    long a = head(nodeA);
    long c = head(nodeC);
    mine(nodeA, c - a);
    mine(nodeC, a - c);
    Eventually.within(Duration.ofSeconds(10), "gateway sees the levelled head")
        .until(() -> head(gateway) == Math.max(a, c));
  }

  private long balanceCallsOn(ChaosProxy proxy) {
    return proxy.bodies().stream().filter(b -> b.contains("eth_getBalance")).count();
  }

  @Test
  void laggingUpstreamIsNotServedFromAndReturnsWhenItCatchesUp() {
    long start = head(nodeA);
    mine(nodeC, 10);
    long best = start + 10;
    Eventually.within(Duration.ofSeconds(10), "eth_blockNumber shows the higher head")
        .until(() -> head(gateway) == best);
    for (int i = 0; i < 50; i++) {
      assertEquals(best, head(gateway), "never the lower head");
    }
    JsonNode block =
        gateway.call("eth_getBlockByNumber", "[\"0x" + Long.toHexString(best) + "\",false]");
    assertEquals(best, Long.decode(block.get("number").asText()), "the highest block is served");
    Eventually.within(Duration.ofSeconds(10), "the admin view shows p1 lagging by 10 blocks")
        .until(() -> {
          JsonNode p1 = new Admin(gateway).upstream("p1");
          return p1 != null && p1.get("lagging").asBoolean() && p1.get("lag").asLong() >= 10;
        });
    net.p1.reset();
    gateway.call("eth_getBalance", "[\"" + DevAccounts.CAROL.getAddress() + "\",\"latest\"]");
    assertEquals(0, balanceCallsOn(net.p1), "p1 lags: latest is not served from it");

    mine(nodeA, 10);
    Eventually.within(Duration.ofSeconds(10), "p1 takes traffic again once caught up")
        .until(() -> {
          gateway.call("eth_getBalance", "[\"" + DevAccounts.CAROL.getAddress() + "\",\"latest\"]");
          return balanceCallsOn(net.p1) > 0;
        });
    net.p2.mode(Mode.DOWN);
    assertEquals(best, head(gateway));
  }

  @Test
  void oneBlockOfLagDoesNotTakeAnUpstreamOut() {
    mine(nodeC, 1);
    long high = head(nodeC);
    Admin admin = new Admin(gateway);
    Eventually.within(Duration.ofSeconds(10), "gateway sees C's new head, p1 one block behind it")
        .until(() -> {
          JsonNode p1 = admin.upstream("p1");
          return head(gateway) == high && p1 != null && p1.get("lag").asLong() == 1;
        });
    net.p1.reset();
    Eventually.within(
            Duration.ofSeconds(10),
            "five head polls of p1, in which a wrong lag verdict takes it out")
        .until(() -> net.p1.headPolls() >= 5);
    JsonNode p1 = admin.upstream("p1");
    assertEquals(1, p1.get("lag").asLong(), "p1 is still one block behind");
    assertFalse(p1.get("lagging").asBoolean(), "one block of lag is not lagging");
    net.p1.reset();
    net.p2.reset();
    for (int i = 0; i < 20; i++) {
      gateway.call("eth_getBalance", "[\"" + DevAccounts.CAROL.getAddress() + "\",\"latest\"]");
    }
    assertEquals(20, balanceCallsOn(net.p1), "p1, one block behind, stays first in rotation");
    assertEquals(0, balanceCallsOn(net.p2));
  }

  @Test
  void blockAboveAnUpstreamsHeadIsNotRoutedToIt() {
    mine(nodeC, 2);
    long high = head(nodeC);
    Eventually.within(Duration.ofSeconds(10), "gateway sees C's head")
        .until(() -> head(gateway) == high);
    net.p1.reset();
    JsonNode block =
        gateway.call("eth_getBlockByNumber", "[\"0x" + Long.toHexString(high) + "\",false]");
    assertFalse(block.isNull(), "served by the upstream that has the block");
    assertTrue(
        net.p1.bodies().stream().noneMatch(b -> b.contains("eth_getBlockByNumber")),
        "p1 (2 blocks behind, still in rotation) was not asked for a block it lacks");
  }
}
