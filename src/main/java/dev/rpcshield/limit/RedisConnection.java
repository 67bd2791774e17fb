package dev.rpcshield.limit;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The pooled Jedis client of the shared Redis, opened on first use: {@link RedisClient} for one
 * node, {@link RedisSentinelClient} (which follows the master Sentinel names after a failover) or
 * {@link RedisClusterClient} (which routes each command by its key's slot). The last two must reach
 * a sentinel or a node to open, so a Redis that is down when the gateway starts is opened by a
 * later call instead; until then every call fails and the callers limit locally. Every part of
 * RpcShield that uses Redis takes the same {@link UnifiedJedis} commands, whichever it is.
 */
public final class RedisConnection implements Supplier<UnifiedJedis>, AutoCloseable {
  /** Opening and closing the client talk to Redis: a lock, not a monitor. */
  private final ReentrantLock opening = new ReentrantLock();

  private final RedisEndpoint endpoint;
  private final Duration timeout;
  private final int poolSize;
  private volatile UnifiedJedis client;

  /**
   * @param timeout connect and socket timeout, and the longest wait for a pooled connection
   * @param poolSize connections per node
   */
  public RedisConnection(RedisEndpoint endpoint, Duration timeout, int poolSize) {
    this.endpoint = endpoint;
    this.timeout = timeout;
    this.poolSize = poolSize;
  }

  public RedisEndpoint endpoint() {
    return endpoint;
  }

  /** Whether keys are spread over a cluster's slots, so one script may only touch one slot. */
  public boolean cluster() {
    return endpoint.kind() == RedisEndpoint.Kind.CLUSTER;
  }

  /** The client, opening it now if it is not open yet (which may throw). */
  @Override
  public UnifiedJedis get() {
    UnifiedJedis c = client;
    if (c == null) {
      opening.lock();
      try {
        c = client;
        if (c == null) {
          c = client = open();
        }
      } finally {
        opening.unlock();
      }
    }
    return c;
  }

  private UnifiedJedis open() {
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(poolSize);
    pool.setMaxIdle(poolSize);
    pool.setMaxWait(timeout);
    DefaultJedisClientConfig.Builder node =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis((int) timeout.toMillis())
            .socketTimeoutMillis((int) timeout.toMillis())
            .user(endpoint.user())
            .password(endpoint.password());
    Set<HostAndPort> nodes = new LinkedHashSet<>();
    for (String n : endpoint.nodes()) {
      nodes.add(HostAndPort.from(n));
    }
    return switch (endpoint.kind()) {
      case SINGLE ->
          RedisClient.builder()
              .hostAndPort(nodes.iterator().next())
              .clientConfig(node.database(endpoint.database()).build())
              .poolConfig(pool)
              .build();
      case SENTINEL -> {
        JedisClientConfig sentinel =
            DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) timeout.toMillis())
                .socketTimeoutMillis((int) timeout.toMillis())
                .build();
        yield RedisSentinelClient.builder()
            .masterName(endpoint.master())
            .sentinels(nodes)
            .sentinelClientConfig(sentinel)
            .clientConfig(node.database(endpoint.database()).build())
            .poolConfig(pool)
            .build();
      }
      case CLUSTER ->
          RedisClusterClient.builder()
              .nodes(nodes)
              .maxAttempts(3)
              .maxTotalRetriesDuration(timeout.multipliedBy(3))
              .clientConfig(node.build())
              .poolConfig(pool)
              .build();
    };
  }

  @Override
  public void close() {
    opening.lock();
    try {
      if (client != null) {
        client.close();
        client = null;
      }
    } finally {
      opening.unlock();
    }
  }
}
