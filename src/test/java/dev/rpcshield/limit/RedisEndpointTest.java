package dev.rpcshield.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedisEndpointTest {

  @Test
  void oneNodeAsBefore() {
    RedisEndpoint e = RedisEndpoint.parse("redis://:s3cret@cache.internal:6380/2");
    assertEquals(RedisEndpoint.Kind.SINGLE, e.kind());
    assertEquals(List.of("cache.internal:6380"), e.nodes());
    assertNull(e.user());
    assertEquals("s3cret", e.password());
    assertEquals(2, e.database());
    assertEquals(List.of("127.0.0.1:6379"), RedisEndpoint.parse("redis://127.0.0.1").nodes());
  }

  @Test
  void sentinelsAndTheirMaster() {
    RedisEndpoint e =
        RedisEndpoint.parse("redis-sentinel://app:pw@10.0.0.1:26379,10.0.0.2/mymaster/1");
    assertEquals(RedisEndpoint.Kind.SENTINEL, e.kind());
    assertEquals(List.of("10.0.0.1:26379", "10.0.0.2:26379"), e.nodes());
    assertEquals("mymaster", e.master());
    assertEquals("app", e.user());
    assertEquals("pw", e.password());
    assertEquals(1, e.database());
  }

  @Test
  void clusterSeeds() {
    RedisEndpoint e = RedisEndpoint.parse("redis-cluster://n1:7000,n2:7001,n3");
    assertEquals(RedisEndpoint.Kind.CLUSTER, e.kind());
    assertEquals(List.of("n1:7000", "n2:7001", "n3:6379"), e.nodes());
  }

  @Test
  void theShownFormHasNoCredentials() {
    String shown = RedisEndpoint.parse("redis-sentinel://app:pw@s1:26379/m").toString();
    assertEquals("redis-sentinel://s1:26379/m", shown);
    assertFalse(shown.contains("pw"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:6379",
        "redis://",
        "redis://a:1,b:2",
        "redis-sentinel://s1:26379",
        "redis-sentinel://s1:26379/",
        "redis-cluster://n1:7000/3",
        "redis://host:port",
        "redis://h/db",
      })
  void anythingElseIsRefusedWithWhatIsExpected(String url) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse(url));
    assertTrue(!e.getMessage().isBlank());
  }
}
