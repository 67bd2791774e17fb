package dev.rpcshield.cache;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import redis.clients.jedis.UnifiedJedis;

/**
 * The cache in Redis, shared by every instance of the fleet: each key with a TTL, values above a
 * size deflated. A value is stored with one leading byte: {@code 0} as is, {@code 1} deflated.
 */
public final class RedisCacheStore implements CacheStore {
  private static final byte RAW = 0;
  private static final byte DEFLATED = 1;

  private final Supplier<UnifiedJedis> redis;
  private final long ttlSeconds;
  private final int compressAbove;

  /**
   * @param ttl how long a key lives (default 24 h)
   * @param compressAbove values longer than this many bytes are deflated (default 1024)
   */
  public RedisCacheStore(Supplier<UnifiedJedis> redis, Duration ttl, int compressAbove) {
    this.redis = redis;
    this.ttlSeconds = Math.max(1, ttl.toSeconds());
    this.compressAbove = compressAbove;
  }

  @Override
  public byte[] get(String key) {
    byte[] stored = redis.get().get(key.getBytes(StandardCharsets.UTF_8));
    if (stored == null || stored.length == 0) {
      return null;
    }
    return switch (stored[0]) {
      case RAW -> java.util.Arrays.copyOfRange(stored, 1, stored.length);
      case DEFLATED -> inflate(stored);
      default -> null;
    };
  }

  @Override
  public void put(String key, byte[] value) {
    redis.get().setex(key.getBytes(StandardCharsets.UTF_8), ttlSeconds, encode(value));
  }

  /**
   * Read, raised and its TTL renewed in one script, so it lives as long as anyone reads it and
   * entries it keys, and a counter Redis lost (a restart without persistence, an eviction) comes
   * back at the highest any instance holds.
   */
  @Override
  public long generation(String network, long atLeast) {
    return script(
        "local g = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[2]))"
            + " if g > 0 then redis.call('SET', KEYS[1], g, 'EX', ARGV[1]) end return g",
        network,
        atLeast);
  }

  /**
   * One script, so the counter never lives without its TTL; past the caller's own too, so a move
   * made on a counter Redis lost still reaches every instance.
   */
  @Override
  public long advance(String network, long past) {
    return script(
        "local g = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[2])) + 1"
            + " redis.call('SET', KEYS[1], g, 'EX', ARGV[1]) return g",
        network,
        past);
  }

  private long script(String script, String network, long local) {
    Object g =
        redis
            .get()
            .eval(
                script,
                List.of(generationKey(network)),
                List.of(String.valueOf(ttlSeconds), String.valueOf(local)));
    return (Long) g;
  }

  /** {@code rpcshield:cache-generation:<network>}: outside the entries' key space. */
  static String generationKey(String network) {
    return "rpcshield:cache-generation:" + network;
  }

  byte[] encode(byte[] value) {
    if (value.length <= compressAbove) {
      byte[] out = new byte[value.length + 1];
      out[0] = RAW;
      System.arraycopy(value, 0, out, 1, value.length);
      return out;
    }
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try {
      deflater.setInput(value);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(value.length / 4 + 16);
      out.write(DEFLATED);
      byte[] buf = new byte[8192];
      while (!deflater.finished()) {
        out.write(buf, 0, deflater.deflate(buf));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  static byte[] inflate(byte[] stored) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(stored, 1, stored.length - 1);
      ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length * 4);
      byte[] buf = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalStateException("truncated cache value");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalStateException("unreadable cache value", e);
    } finally {
      inflater.end();
    }
  }
}
