package dev.rpcshield.limit;

import dev.rpcshield.config.Resources;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Limiter state in Redis, shared by every gateway instance: one Lua script per body (all members,
 * all rules, one round trip), time from Redis itself, a TTL on every key, pooled connections with
 * short timeouts. Failures surface as exceptions; {@link SharedRedis} decides what then.
 */
public final class RedisLimiterStore implements LimiterStore, AutoCloseable {
  private static final String SCRIPT = Resources.text(RedisLimiterStore.class, "charge.lua");

  private final JedisPooled redis;
  private volatile String sha;

  /**
   * @param url {@code redis://host:port} (user info and a database number are honoured)
   * @param timeout connect and socket timeout (default 100 ms)
   * @param maxConnections pool size (default 32)
   */
  public RedisLimiterStore(URI url, Duration timeout, int maxConnections) {
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(maxConnections);
    pool.setMaxIdle(maxConnections);
    pool.setMaxWait(timeout);
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis((int) timeout.toMillis())
            .socketTimeoutMillis((int) timeout.toMillis());
    if (url.getUserInfo() != null) {
      String[] parts = url.getUserInfo().split(":", 2);
      if (parts.length == 2) {
        config.user(parts[0].isEmpty() ? null : parts[0]).password(parts[1]);
      } else {
        config.password(parts[0]);
      }
    }
    String path = url.getPath();
    if (path != null && path.length() > 1) {
      config.database(Integer.parseInt(path.substring(1)));
    }
    int port = url.getPort() > 0 ? url.getPort() : 6379;
    this.redis = new JedisPooled(pool, new HostAndPort(url.getHost(), port), config.build());
  }

  @Override
  public List<Decision> charge(List<List<Rule>> members) {
    List<String> keys = new ArrayList<>();
    List<String> args = new ArrayList<>();
    args.add(String.valueOf(members.size()));
    for (List<Rule> rules : members) {
      args.add(String.valueOf(rules.size()));
      for (Rule r : rules) {
        keys.add(r.key());
        args.add(String.valueOf(r.capacity()));
        args.add(String.valueOf(r.refillPerSecond()));
        args.add(String.valueOf(r.cost()));
      }
    }
    List<?> reply = run(keys, args);
    List<Decision> out = new ArrayList<>(members.size());
    for (int m = 0; m < members.size(); m++) {
      List<Rule> rules = members.get(m);
      long allowed = (Long) reply.get(m * 5);
      int index = (int) (long) (Long) reply.get(m * 5 + 1);
      if (index == 0) {
        out.add(Decision.UNLIMITED);
        continue;
      }
      Rule r = rules.get(index - 1);
      out.add(
          new Decision(
              allowed == 1,
              r.name(),
              r.capacity(),
              (Long) reply.get(m * 5 + 2),
              (Long) reply.get(m * 5 + 3),
              (Long) reply.get(m * 5 + 4)));
    }
    return out;
  }

  /** The pool, shared with {@link RedisConnectionLeases}. */
  public JedisPooled pool() {
    return redis;
  }

  /** Opens a connection and loads the script now, so the first request does not pay for it. */
  public void warmUp() {
    sha = redis.scriptLoad(SCRIPT);
  }

  private List<?> run(List<String> keys, List<String> args) {
    String loaded = sha;
    if (loaded == null) {
      loaded = sha = redis.scriptLoad(SCRIPT);
    }
    try {
      return (List<?>) redis.evalsha(loaded, keys, args);
    } catch (JedisNoScriptException e) {
      sha = redis.scriptLoad(SCRIPT);
      return (List<?>) redis.evalsha(sha, keys, args);
    }
  }

  @Override
  public void close() {
    redis.close();
  }
}
