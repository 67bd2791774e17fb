package dev.rpcshield.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {
  private static final String HASH =
      "0xabcdef0000000000000000000000000000000000000000000000000000000001";

  private final AtomicLong finalized = new AtomicLong(100);
  private final List<String> events = new ArrayList<>();
  private final ChainHeads heads =
      new ChainHeads() {
        @Override
        public long latest() {
          return finalized.get() + 10;
        }

        @Override
        public long safe() {
          return finalized.get() + 5;
        }

        @Override
        public long finalized() {
          return finalized.get();
        }
      };
  private final CacheEvents counting =
      new CacheEvents() {
        @Override
        public void hit(String network, String method) {
          events.add("hit " + network + " " + method);
        }

        @Override
        public void miss(String network, String method) {
          events.add("miss " + network + " " + method);
        }

        @Override
        public void stored(String network, String method, int bytes) {
          events.add("stored " + network + " " + method + " " + bytes);
        }

        @Override
        public void evicted(String network, String method) {
          events.add("evicted " + network + " " + method);
        }

        @Override
        public void storeError(String network, String method) {
          events.add("error " + network + " " + method);
        }
      };
  private final ResponseCache cache =
      new ResponseCache("main", new InMemoryCacheStore(1 << 20, k -> {}), heads, counting);

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aFinalizedBlockIsKeptAndServed() {
    ResponseCache.Lookup first = cache.lookup("eth_getBlockByNumber", b("[\"0x5\",false]"));
    assertFalse(first.hit());
    assertTrue(cache.remember(first, "{\"number\":\"0x5\"}"));
    ResponseCache.Lookup again = cache.lookup("eth_getBlockByNumber", b("[\"0x05\",false]"));
    assertEquals("{\"number\":\"0x5\"}", again.result());
    assertEquals(
        List.of(
            "miss main eth_getBlockByNumber",
            "stored main eth_getBlockByNumber 16",
            "hit main eth_getBlockByNumber"),
        events);
  }

  @Test
  void nullResultsAreNeverKept() {
    ResponseCache.Lookup l = cache.lookup("eth_getBlockByNumber", b("[\"0x5\",false]"));
    assertFalse(cache.remember(l, "null"));
    assertFalse(cache.remember(l, null));
    assertFalse(cache.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")).hit());
  }

  @Test
  void aReceiptIsKeptOnlyOnceItsBlockIsFinalized() {
    String params = "[\"" + HASH + "\"]";
    ResponseCache.Lookup early = cache.lookup("eth_getTransactionReceipt", b(params));
    assertFalse(cache.remember(early, "{\"blockNumber\":\"0x6e\",\"status\":\"0x1\"}"));
    assertFalse(cache.lookup("eth_getTransactionReceipt", b(params)).hit());
    finalized.set(110);
    ResponseCache.Lookup later = cache.lookup("eth_getTransactionReceipt", b(params));
    assertTrue(cache.remember(later, "{\"blockNumber\":\"0x6e\",\"status\":\"0x1\"}"));
    assertTrue(cache.lookup("eth_getTransactionReceipt", b(params)).hit());
  }

  @Test
  void aPendingTransactionIsNotKept() {
    String params = "[\"" + HASH + "\"]";
    ResponseCache.Lookup l = cache.lookup("eth_getTransactionByHash", b(params));
    assertFalse(cache.remember(l, "{\"blockNumber\":null,\"hash\":\"" + HASH + "\"}"));
  }

  @Test
  void aBlockAboveFinalizedIsNotLookedUp() {
    assertNull(cache.lookup("eth_getBlockByNumber", b("[\"0x65\",false]")));
    assertEquals(List.of(), events);
  }

  @Test
  void networksDoNotShareEntries() {
    CacheStore shared = new InMemoryCacheStore(1 << 20, k -> {});
    ResponseCache a = new ResponseCache("a", shared, heads, CacheEvents.NONE);
    ResponseCache other = new ResponseCache("b", shared, heads, CacheEvents.NONE);
    a.remember(a.lookup("eth_chainId", null), "\"0x1\"");
    assertTrue(a.lookup("eth_chainId", null).hit());
    assertFalse(other.lookup("eth_chainId", null).hit());
  }

  @Test
  void aFailingStoreIsAMissAndCounted() {
    CacheStore broken =
        new CacheStore() {
          @Override
          public byte[] get(String key) {
            throw new IllegalStateException("down");
          }

          @Override
          public void put(String key, byte[] value) {
            throw new IllegalStateException("down");
          }
        };
    ResponseCache c = new ResponseCache("main", broken, heads, counting);
    ResponseCache.Lookup l = c.lookup("eth_chainId", null);
    assertFalse(l.hit());
    assertFalse(c.remember(l, "\"0x1\""));
    assertEquals(
        List.of("error main eth_chainId", "miss main eth_chainId", "error main eth_chainId"),
        events);
  }

  @Test
  void theMethodIsReadBackFromAKey() {
    ResponseCache.Lookup l =
        cache.lookup("eth_getLogs", b("[{\"fromBlock\":\"0x1\",\"toBlock\":\"0x2\"}]"));
    assertEquals("eth_getLogs", ResponseCache.methodOf(l.key()));
    assertTrue(l.key().startsWith("rpcshield:cache:main:eth_getLogs:"));
    assertNull(ResponseCache.methodOf("other"));
  }

  @Test
  void anOptedInMethodAtLatestIsKeptForItsTtlOnly() {
    AtomicLong nanos = new AtomicLong();
    Map<String, Duration> ttls = Map.of("eth_getBlockByNumber", Duration.ofSeconds(2));
    ResponseCache c =
        new ResponseCache(
            "main",
            new InMemoryCacheStore(1 << 20, k -> {}),
            heads,
            CacheEvents.NONE,
            ttls,
            new RealtimeCacheStore(ttls, 1 << 20, nanos::get));
    ResponseCache.Lookup l = c.lookup("eth_getBlockByNumber", b("[\"latest\",false]"));
    assertEquals(Cacheability.Kind.REALTIME, l.ticket().kind());
    assertTrue(c.remember(l, "{\"number\":\"0x6e\"}"));
    nanos.set(Duration.ofMillis(1900).toNanos());
    assertTrue(c.lookup("eth_getBlockByNumber", b("[\"latest\",false]")).hit());
    nanos.set(Duration.ofMillis(2100).toNanos());
    assertFalse(c.lookup("eth_getBlockByNumber", b("[\"latest\",false]")).hit());
    assertNull(c.lookup("eth_gasPrice", b("[]")), "a method not opted in is never kept");
    ResponseCache.Lookup fin = c.lookup("eth_getBlockByNumber", b("[\"0x5\",false]"));
    assertEquals(Cacheability.Kind.BY_NUMBER, fin.ticket().kind(), "a final answer stays final");
  }

  @Test
  void theMemoryStoreIsBoundedByBytesAndCountsEvictions() {
    List<String> evicted = new ArrayList<>();
    InMemoryCacheStore small = new InMemoryCacheStore(10_000, evicted::add);
    for (int i = 0; i < 100; i++) {
      small.put("k" + i, new byte[500]);
    }
    small.cleanUp();
    assertTrue(small.size() <= 20, "held " + small.size());
    assertTrue(evicted.size() >= 80, "evicted " + evicted.size());
  }

  @Test
  void afterAnInvalidationNothingStoredBeforeNorLookedUpBeforeIsServed() {
    ResponseCache.Lookup poisoned = cache.lookup("eth_getBalance", b("[\"0x999\",\"0x5\"]"));
    assertTrue(cache.remember(poisoned, "\"0x999\""));
    ResponseCache.Lookup inFlight = cache.lookup("eth_getBlockByNumber", b("[\"0x5\",false]"));
    assertTrue(cache.lookup("eth_getBalance", b("[\"0x999\",\"0x5\"]")).hit());

    cache.invalidate();
    assertTrue(cache.remember(inFlight, "{\"number\":\"0x5\",\"hash\":\"0xbad\"}"));
    assertFalse(cache.lookup("eth_getBalance", b("[\"0x999\",\"0x5\"]")).hit());
    assertFalse(
        cache.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")).hit(),
        "an answer to a call looked up before is stored where it is never read");
    ResponseCache.Lookup fresh = cache.lookup("eth_getBalance", b("[\"0x999\",\"0x5\"]"));
    assertTrue(cache.remember(fresh, "\"0x0\""));
    assertEquals("\"0x0\"", cache.lookup("eth_getBalance", b("[\"0x999\",\"0x5\"]")).result());
  }

  /** A store shared by instances: one generation counter, kept as RedisCacheStore's scripts do. */
  private static final class SharedStore implements CacheStore {
    final CacheStore entries = new InMemoryCacheStore(1 << 20, k -> {});
    final AtomicLong generation = new AtomicLong();
    volatile boolean down;

    @Override
    public byte[] get(String key) {
      return entries.get(key);
    }

    @Override
    public void put(String key, byte[] value) {
      entries.put(key, value);
    }

    @Override
    public long generation(String network, long atLeast) {
      if (down) {
        throw new IllegalStateException("down");
      }
      return generation.accumulateAndGet(atLeast, Math::max);
    }

    @Override
    public long advance(String network, long past) {
      if (down) {
        throw new IllegalStateException("down");
      }
      return generation.accumulateAndGet(past, (g, p) -> Math.max(g, p) + 1);
    }
  }

  @Test
  void anInstanceStartedAfterAnInvalidationNeverServesNorKeepsAnEarlierGeneration() {
    SharedStore shared = new SharedStore();
    ResponseCache one = new ResponseCache("main", shared, heads, CacheEvents.NONE);
    one.remember(one.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")), "{\"hash\":\"0xbad\"}");
    one.invalidate();

    ResponseCache started = new ResponseCache("main", shared, heads, CacheEvents.NONE);
    assertFalse(
        started.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")).hit(),
        "the wrong chain's answer of the earlier generation is not served before any head poll");
    started.remember(started.lookup("eth_getBalance", b("[\"0x999\",\"0x5\"]")), "\"0x1\"");
    assertEquals(
        "\"0x1\"",
        one.lookup("eth_getBalance", b("[\"0x999\",\"0x5\"]")).result(),
        "it keeps answers where the fleet reads them");
  }

  @Test
  void aCacheThatNeverReadTheGenerationIsOffUntilItDoes() {
    SharedStore shared = new SharedStore();
    ResponseCache one = new ResponseCache("main", shared, heads, CacheEvents.NONE);
    one.remember(one.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")), "{\"hash\":\"0xbad\"}");
    one.invalidate();
    shared.down = true;
    ResponseCache started = new ResponseCache("main", shared, heads, counting);
    assertTrue(events.contains("error main generation"), events.toString());
    shared.down = false;
    assertNull(
        started.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")),
        "nothing is looked up on generation 0");
    assertFalse(started.remember(null, "{\"hash\":\"0xbad\"}"));

    started.refresh();
    assertFalse(started.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")).hit());
    ResponseCache.Lookup miss = started.lookup("eth_getBlockByNumber", b("[\"0x5\",false]"));
    assertTrue(started.remember(miss, "{\"hash\":\"0xgood\"}"));
    assertEquals(
        "{\"hash\":\"0xgood\"}", one.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")).result());
  }

  @Test
  void aGenerationTheStoreLostIsRaisedBackAndAMoveAfterItReachesEveryInstance() {
    SharedStore shared = new SharedStore();
    ResponseCache one = new ResponseCache("main", shared, heads, CacheEvents.NONE);
    ResponseCache two = new ResponseCache("main", shared, heads, CacheEvents.NONE);
    one.invalidate();
    one.invalidate();
    two.refresh();
    two.remember(two.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")), "{\"hash\":\"0xok\"}");

    shared.generation.set(0);
    two.refresh();
    ResponseCache started = new ResponseCache("main", shared, heads, CacheEvents.NONE);
    assertEquals(
        "{\"hash\":\"0xok\"}",
        started.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")).result(),
        "the counter is back where the fleet was");

    shared.generation.set(0);
    two.remember(two.lookup("eth_getBalance", b("[\"0x999\",\"0x5\"]")), "\"0xbad\"");
    one.invalidate();
    two.refresh();
    assertFalse(
        two.lookup("eth_getBalance", b("[\"0x999\",\"0x5\"]")).hit(),
        "a move made on a lost counter reaches an instance that was past it");
    assertFalse(two.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")).hit());
  }

  @Test
  void anInvalidationByOneInstanceReachesAnotherAtItsNextRefresh() {
    SharedStore shared = new SharedStore();
    ResponseCache one = new ResponseCache("main", shared, heads, CacheEvents.NONE);
    ResponseCache two = new ResponseCache("main", shared, heads, CacheEvents.NONE);
    one.remember(one.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")), "{\"hash\":\"0xbad\"}");
    assertTrue(two.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")).hit(), "shared");

    one.invalidate();
    assertFalse(one.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")).hit());
    two.refresh();
    assertFalse(two.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")).hit());
    two.remember(two.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")), "{\"hash\":\"0xgood\"}");
    assertEquals(
        "{\"hash\":\"0xgood\"}",
        one.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")).result(),
        "both on the same generation again");
  }

  @Test
  void anInvalidationTheSharedStoreMissedHoldsHereAndIsSharedOnceItIsBack() {
    SharedStore shared = new SharedStore();
    ResponseCache one = new ResponseCache("main", shared, heads, counting);
    ResponseCache two = new ResponseCache("main", shared, heads, CacheEvents.NONE);
    two.remember(two.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")), "{\"hash\":\"0xbad\"}");
    shared.down = true;
    one.invalidate();
    one.refresh();
    assertTrue(events.contains("error main generation"), events.toString());
    shared.down = false;
    assertFalse(one.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")).hit(), "dropped here");
    one.refresh();
    two.refresh();
    assertFalse(
        two.lookup("eth_getBlockByNumber", b("[\"0x5\",false]")).hit(), "and for the fleet");
  }
}
