package dev.rpcshield.upstream;

import dev.rpcshield.limit.SharedRedis;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;

/**
 * Pending nonces in the Redis the fleet shares, so that a send through one instance raises the
 * pending count every instance answers: one key per network and sender holding the highest nonce,
 * raised (never lowered) and its TTL renewed by one script. A Redis that cannot be reached falls
 * back to this instance's own memory, through {@link SharedRedis#call}'s fault tolerance.
 */
public final class RedisPendingNonces implements PendingNonces {
  private static final String RAISE =
      "local old = redis.call('GET', KEYS[1])"
          + " if old and string.len(old) > string.len(ARGV[1])"
          + " or (old and string.len(old) == string.len(ARGV[1]) and old > ARGV[1]) then"
          + " return 0 end"
          + " redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1";

  private final SharedRedis redis;
  private final PendingNonces local;

  public RedisPendingNonces(SharedRedis redis, PendingNonces local) {
    this.redis = redis;
    this.local = local;
  }

  private static String key(String network, String sender) {
    return "rpcshield:nonce:{" + network + ":" + sender + "}";
  }

  @Override
  public void accepted(String network, String sender, BigInteger nonce, Duration ttl) {
    local.accepted(network, sender, nonce, ttl);
    redis.call(
        () ->
            redis
                .connection()
                .get()
                .eval(
                    RAISE,
                    List.of(key(network, sender)),
                    List.of(nonce.toString(16), Long.toString(Math.max(1, ttl.toMillis())))),
        () -> null);
  }

  @Override
  public BigInteger highest(String network, String sender) {
    BigInteger shared =
        (BigInteger)
            redis.call(
                () -> {
                  String v = redis.connection().get().get(key(network, sender));
                  return v == null ? null : new BigInteger(v, 16);
                },
                () -> local.highest(network, sender));
    BigInteger own = local.highest(network, sender);
    if (shared == null || own == null) {
      return shared == null ? own : shared;
    }
    return shared.max(own);
  }

  @Override
  public boolean remote() {
    return true;
  }
}
