package dev.rpcshield.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.MapConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveSourceTest {

  @Test
  void aRestartOnlyKeyKeepsItsFirstValueAndIsReportedWhenItChanges() {
    MapConfig config =
        new MapConfig(
            Map.of(
                "rpcshield.redis.url", "redis://127.0.0.1:6379",
                "rpcshield.anonymous.rps", "10"));
    LiveSource source = new LiveSource(config);
    Settings settings = new Settings(source);
    assertEquals("redis://127.0.0.1:6379", settings.string("rpcshield.redis.url", ""));
    assertEquals(10, settings.integer("rpcshield.anonymous.rps", 0));

    config.set("rpcshield.redis.url", "redis://10.0.0.9:6379").set("rpcshield.anonymous.rps", "50");

    assertEquals(
        "redis://127.0.0.1:6379",
        settings.string("rpcshield.redis.url", ""),
        "the running value until a restart");
    assertEquals(50, settings.integer("rpcshield.anonymous.rps", 0), "a live key follows");
    assertEquals(List.of("rpcshield.redis.url"), source.pendingRestart());

    config.set("rpcshield.redis.url", "redis://127.0.0.1:6379");
    assertEquals(List.of(), source.pendingRestart(), "changed back: nothing waits");
  }

  @Test
  void aNetworksOwnFormOfARestartOnlyKeyIsRestartOnlyToo() {
    assertTrue(LiveSource.restartOnly("rpcshield.network.base.chain-id"));
    assertTrue(LiveSource.restartOnly("rpcshield.network.base.upstream.head-poll-interval"));
    assertFalse(LiveSource.restartOnly("rpcshield.network.base.upstreams"));
    assertFalse(LiveSource.restartOnly("rpcshield.upstream.a.weight"));
    assertFalse(LiveSource.restartOnly("rpcshield.tier.pro.rps"));
  }

  @Test
  void theDatabaseIsTheGatewaysAndKeepsItsRunningValueUntilARestart() {
    MapConfig config =
        new MapConfig(
            Map.of(
                "rpcshield.db.url", "jdbc:h2:mem:x",
                "RPCSHIELD_DB_PASSWORD", "pw",
                "rpcshield.http.read-deadline", "10s",
                "RPCSHIELD_KEYSTORE_PASSWORD", "ks",
                "rpcshield.anonymous.rps", "10"));
    LiveSource source = new LiveSource(config);
    assertEquals(
        Map.of(
            "rpcshield.db.url", "jdbc:h2:mem:x",
            "RPCSHIELD_DB_PASSWORD", "pw",
            "rpcshield.anonymous.rps", "10"),
        source.everything(),
        "a change of the database is seen; the read deadline and the keystore are Liberty's own");
    Settings settings = new Settings(source);
    assertEquals("jdbc:h2:mem:x", settings.string("rpcshield.db.url", ""));

    config.set("rpcshield.db.url", "jdbc:postgresql://10.0.0.9:5432/rpcshield");
    assertEquals("jdbc:h2:mem:x", settings.string("rpcshield.db.url", ""), "the running value");
    assertEquals(List.of("rpcshield.db.url"), source.pendingRestart());
  }

  @Test
  void everythingHoldsEveryGatewayValueAndSeesKeysAddedAfterStart() {
    MapConfig config = new MapConfig(Map.of("rpcshield.anonymous.rps", "10", "http.port", "8545"));
    LiveSource source = new LiveSource(config);
    assertEquals(Map.of("rpcshield.anonymous.rps", "10"), source.everything());

    config.set("rpcshield.tier.gold.rps", "99");
    assertEquals(
        Map.of("rpcshield.anonymous.rps", "10", "rpcshield.tier.gold.rps", "99"),
        source.everything());
    assertTrue(
        new Settings(source).propertyNames().iterator().hasNext(), "names come from the sources");
  }

  @Test
  void aChangeIsTheKeysAddedRemovedOrGivenAnotherValue() {
    assertEquals(
        List.of("a", "c", "d"),
        ConfigReloader.changedKeys(
            Map.of("a", "1", "b", "2", "c", "3"), Map.of("a", "9", "b", "2", "d", "4")));
  }
}
