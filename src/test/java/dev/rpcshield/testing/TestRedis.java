package dev.rpcshield.testing;

import static org.awaitility.Awaitility.await;

import dev.rpcshield.limit.RedisConnection;
import dev.rpcshield.limit.RedisEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The real Redis these machines run (127.0.0.1:6379, or {@code -Dit.redis=redis://host:port}), and
 * its clock: the Redis-backed stores take time from the server (TIME), never from this JVM.
 */
public final class TestRedis {
  public static final URI URI =
      java.net.URI.create(System.getProperty("it.redis", "redis://127.0.0.1:6379"));

  private TestRedis() {}

  /**
   * A Redis Cluster of three nodes on loopback, which {@code .ci/run} starts ({@code
   * -Dit.redis.cluster} to name another).
   */
  public static final String CLUSTER =
      System.getProperty("it.redis.cluster", "redis-cluster://127.0.0.1:17001,127.0.0.1:17002");

  /**
   * A Sentinel watching the Redis above as master {@code rpcshield}, which {@code .ci/run} starts
   * ({@code -Dit.redis.sentinel} to name another).
   */
  public static final String SENTINEL =
      System.getProperty("it.redis.sentinel", "redis-sentinel://127.0.0.1:26379/rpcshield");

  public static RedisClient client() {
    return RedisClient.create(URI.getHost(), URI.getPort());
  }

  /** The gateway's own connection to the Redis at {@code url}. */
  public static RedisConnection connection(String url) {
    return new RedisConnection(RedisEndpoint.parse(url), Duration.ofSeconds(2), 8);
  }

  /** The server's time in epoch milliseconds, as the stores' scripts compute it. */
  public static long millis(UnifiedJedis redis) {
    List<?> time = (List<?>) redis.sendCommand(Protocol.Command.TIME);
    long seconds = Long.parseLong(new String((byte[]) time.get(0)));
    long micros = Long.parseLong(new String((byte[]) time.get(1)));
    return seconds * 1000 + micros / 1000;
  }

  /** Waits until at least {@code d} of Redis time has passed since the call. */
  public static void pass(UnifiedJedis redis, Duration d) {
    long until = millis(redis) + d.toMillis();
    await("Redis time " + d.toMillis() + " ms on")
        .atMost(d.plusSeconds(5))
        .pollDelay(d)
        .pollInterval(Duration.ofMillis(5))
        .pollInSameThread()
        .until(() -> millis(redis) >= until);
  }

  /**
   * Starts a Redis of a test's own on {@code port} (loopback, nothing kept on disk), which the test
   * may kill and start again; returns once it answers.
   */
  public static Process startServer(int port) {
    Process server;
    try {
      server =
          new ProcessBuilder(
                  "redis-server",
                  "--port",
                  String.valueOf(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Eventually.within(Duration.ofSeconds(10), "the test's Redis answers")
        .ignoreExceptions()
        .until(() -> {
          try (RedisClient r = RedisClient.create("127.0.0.1", port)) {
            return "PONG".equals(r.ping());
          }
        });
    return server;
  }
}
