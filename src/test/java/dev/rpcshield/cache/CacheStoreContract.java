package dev.rpcshield.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every cache store does, run against each of them. */
abstract class CacheStoreContract {
  /** A key prefix of this test's own, so runs never see each other's entries. */
  final String prefix = "rpcshield:cache:test-" + UUID.randomUUID() + ":";

  abstract CacheStore store();

  @Test
  void anUnknownKeyIsNull() {
    assertNull(store().get(prefix + "eth_chainId:none"));
  }

  @Test
  void aValueComesBackAsItWasStored() {
    byte[] value = "{\"number\":\"0x5\",\"note\":\"ünïcødé\"}".getBytes(StandardCharsets.UTF_8);
    store().put(prefix + "eth_getBlockByNumber:a", value);
    assertArrayEquals(value, store().get(prefix + "eth_getBlockByNumber:a"));
  }

  @Test
  void aLargeValueComesBackWhole() {
    StringBuilder logs = new StringBuilder("[");
    for (int i = 0; i < 2000; i++) {
      logs.append(i == 0 ? "" : ",").append("{\"logIndex\":\"0x").append(i).append("\"}");
    }
    byte[] value = logs.append(']').toString().getBytes(StandardCharsets.UTF_8);
    store().put(prefix + "eth_getLogs:big", value);
    assertArrayEquals(value, store().get(prefix + "eth_getLogs:big"));
  }

  @Test
  void aLaterValueReplacesAnEarlierOne() {
    store().put(prefix + "eth_chainId:x", "\"0x1\"".getBytes(StandardCharsets.UTF_8));
    store().put(prefix + "eth_chainId:x", "\"0x2\"".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(
        "\"0x2\"".getBytes(StandardCharsets.UTF_8), store().get(prefix + "eth_chainId:x"));
  }
}
