package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamGroupTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

  private Upstream upstream(String name, int weight) {
    return new Upstream(
        new UpstreamSettings(
            name,
            URI.create("http://127.0.0.1:1"),
            Duration.ofSeconds(1),
            0,
            weight,
            0,
            0,
            Map.of(),
            false,
            10,
            true,
            0,
            UpstreamSettings.STATE_RECHECK),
        new CircuitBreaker(clock, 3, Duration.ofSeconds(10)),
        clock);
  }

  @Test
  void failoverKeepsTheConfiguredOrder() {
    Upstream a = upstream("a", 1);
    Upstream b = upstream("b", 1);
    UpstreamGroup g = new UpstreamGroup("g", Strategy.FAILOVER, List.of(a, b));
    for (int i = 0; i < 5; i++) {
      assertEquals(List.of(a, b), g.order());
    }
  }

  @Test
  void roundRobinRotatesTheFirstAndKeepsTheRestAsFailover() {
    Upstream a = upstream("a", 1);
    Upstream b = upstream("b", 1);
    Upstream c = upstream("c", 1);
    UpstreamGroup g = new UpstreamGroup("g", Strategy.ROUND_ROBIN, List.of(a, b, c));
    assertEquals(List.of(a, b, c), g.order());
    assertEquals(List.of(b, c, a), g.order());
    assertEquals(List.of(c, a, b), g.order());
  }

  @Test
  void weightedStartsInProportionAndNeverAtWeightZero() {
    Upstream heavy = upstream("heavy", 3);
    Upstream light = upstream("light", 1);
    Upstream off = upstream("off", 0);
    UpstreamGroup g = new UpstreamGroup("g", Strategy.WEIGHTED, List.of(heavy, light, off));
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      List<Upstream> order = g.order();
      assertEquals(3, order.size(), "every member stays in the failover path");
      first.merge(order.get(0).name(), 1, Integer::sum);
    }
    assertEquals(null, first.get("off"));
    double share = first.get("heavy") / 10_000.0;
    assertTrue(share > 0.70 && share < 0.80, "heavy started " + share + " of the time");
  }

  @Test
  void routerPrefersExactNamesThenTheLongestPrefix() {
    UpstreamGroup fallback =
        new UpstreamGroup("default", Strategy.FAILOVER, List.of(upstream("d", 1)));
    UpstreamGroup trace = new UpstreamGroup("trace", Strategy.FAILOVER, List.of(upstream("t", 1)));
    UpstreamGroup debug = new UpstreamGroup("debug", Strategy.FAILOVER, List.of(upstream("x", 1)));
    UpstreamGroup logs = new UpstreamGroup("logs", Strategy.FAILOVER, List.of(upstream("l", 1)));
    MethodRouter<UpstreamGroup> r = new MethodRouter<>(fallback);
    r.route(List.of("trace_*"), trace);
    r.route(List.of("trace_block*"), debug);
    r.route(List.of("eth_getLogs"), logs);
    assertEquals(trace, r.groupFor("trace_transaction"));
    assertEquals(debug, r.groupFor("trace_block"));
    assertEquals(logs, r.groupFor("eth_getLogs"));
    assertEquals(fallback, r.groupFor("eth_chainId"));
  }

  @Test
  void anotherMemberInRotationCanServeWithoutOne() {
    Upstream a = upstream("a", 1);
    Upstream b = upstream("b", 1);
    UpstreamGroup g = new UpstreamGroup("g", Strategy.ROUND_ROBIN, List.of(a, b));
    assertTrue(g.otherInRotation(a));
    b.breaker().open();
    assertFalse(g.otherInRotation(a), "b is out");
    assertTrue(g.otherInRotation(b), "a is in");
    assertFalse(new UpstreamGroup("one", Strategy.FAILOVER, List.of(a)).otherInRotation(a));
  }
}
