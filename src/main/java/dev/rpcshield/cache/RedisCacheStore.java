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
import redis.clients.jedis.params.GetExParams;

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

  /** Read with its TTL renewed, so it lives as long as anyone reads it and entries it keys. */
  @Override
  public long generation(String network) {
    String stored =
        redis.get().getEx(generationKey(network), GetExParams.getExParams().ex(ttlSeconds));
    return stored == null ? 0 : Long.parseLong(stored);
  }

  /** One script, so the counter never lives without its TTL. */
  @Override
  public long advance(String network) {
    Object next =
        redis
            .get()
            .eval(
                "local g = redis.call('INCR', KEYS[1]) redis.call('EXPIRE', KEYS[1], ARGV[1]) return g",
                List.of(generationKey(network)),
                List.of(String.valueOf(ttlSeconds)));
    return (Long) next;
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
