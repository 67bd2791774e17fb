package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.testing.MutableClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FailOpenLimiterStoreTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final InMemoryLimiterStore local = new InMemoryLimiterStore(clock, 100);
  private final Rule rule = Rule.bucket("rps", "k", 2, 1, 1);

  /** A shared store the test switches off and on, counting calls. */
  private static final class Switchable implements LimiterStore {
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger calls = new AtomicInteger();
    final LimiterStore inner;

    Switchable(LimiterStore inner) {
      this.inner = inner;
    }

    @Override
    public List<Decision> charge(List<List<Rule>> members) {
      calls.incrementAndGet();
      if (down.get()) {
        throw new IllegalStateException("redis down");
      }
      return inner.charge(members);
    }
  }

  @Test
  void limitsLocallyWhileRedisIsDownAndReturnsByItself() {
    Switchable shared = new Switchable(new InMemoryLimiterStore(clock, 100));
    FailOpenLimiterStore store =
        new FailOpenLimiterStore(shared, local, clock, Duration.ofSeconds(1), 8);
    shared.down.set(true);
    assertTrue(store.chargeOne(List.of(rule)).allowed());
    assertTrue(store.chargeOne(List.of(rule)).allowed());
    assertTrue(!store.chargeOne(List.of(rule)).allowed(), "local limits still apply");
    assertEquals(FailOpenLimiterStore.Mode.LOCAL_FALLBACK, store.mode());
    assertEquals(3, store.fallbacks());
    assertEquals(1, shared.calls.get(), "Redis is not hammered during the back-off");

    shared.down.set(false);
    clock.advance(Duration.ofMillis(1001));
    store.chargeOne(List.of(rule));
    assertEquals(FailOpenLimiterStore.Mode.SHARED, store.mode());
    assertEquals(2, shared.calls.get());
  }

  @Test
  void closedPortFallsBackQuickly() {
    RedisLimiterStore dead =
        new RedisLimiterStore(URI.create("redis://127.0.0.1:1"), Duration.ofMillis(100), 2);
    FailOpenLimiterStore store =
        new FailOpenLimiterStore(dead, local, clock, Duration.ofSeconds(1), 8);
    Decision d = store.chargeOne(List.of(rule));
    assertTrue(d.allowed());
    assertEquals(FailOpenLimiterStore.Mode.LOCAL_FALLBACK, store.mode());
    assertEquals(1, store.fallbacks());
  }

  @Test
  void silentServerIsCutOffByTheSocketTimeout() throws IOException {
    try (ServerSocket silent = new ServerSocket(0)) {
      Thread.ofVirtual()
          .start(() -> {
            try {
              while (true) {
                silent.accept();
              }
            } catch (IOException closed) {
              // test over
            }
          });
      RedisLimiterStore hanging =
          new RedisLimiterStore(
              URI.create("redis://127.0.0.1:" + silent.getLocalPort()), Duration.ofMillis(150), 2);
      FailOpenLimiterStore store =
          new FailOpenLimiterStore(hanging, local, clock, Duration.ofSeconds(1), 8);
      assertTrue(store.chargeOne(List.of(rule)).allowed());
      assertEquals(FailOpenLimiterStore.Mode.LOCAL_FALLBACK, store.mode());
    }
  }

  @Test
  void inFlightBoundSendsOverflowLocal() {
    LimiterStore blocked =
        members -> {
          throw new AssertionError("no Redis call may happen with no permits");
        };
    FailOpenLimiterStore store = new FailOpenLimiterStore(blocked, local, clock, Duration.ZERO, 0);
    assertTrue(store.chargeOne(List.of(rule)).allowed());
    assertEquals(1, store.fallbacks());
  }
}
