package dev.rpcshield.upstream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;

/**
 * Pending nonces in this instance's memory: each sender's highest, living {@code ttl} from the
 * acceptance that set or repeated it, at most {@code max} senders (the least recent go first).
 */
public final class MemoryPendingNonces implements PendingNonces {
  private record Entry(BigInteger nonce, Duration ttl) {}

  private final Cache<String, Entry> nonces;

  public MemoryPendingNonces(int max, Clock clock) {
    nonces =
        Caffeine.newBuilder()
            .maximumSize(max)
            .ticker(() -> clock.millis() * 1_000_000L)
            .expireAfter(
                new Expiry<String, Entry>() {
                  @Override
                  public long expireAfterCreate(String key, Entry e, long now) {
                    return e.ttl().toNanos();
                  }

                  @Override
                  public long expireAfterUpdate(String key, Entry e, long now, long left) {
                    return e.ttl().toNanos();
                  }

                  @Override
                  public long expireAfterRead(String key, Entry e, long now, long left) {
                    return left;
                  }
                })
            .build();
  }

  @Override
  public void accepted(String network, String sender, BigInteger nonce, Duration ttl) {
    nonces
        .asMap()
        .merge(
            network + ":" + sender,
            new Entry(nonce, ttl),
            (old, now) -> old.nonce().compareTo(now.nonce()) > 0 ? old : now);
  }

  @Override
  public BigInteger highest(String network, String sender) {
    Entry e = nonces.getIfPresent(network + ":" + sender);
    return e == null ? null : e.nonce();
  }

  @Override
  public boolean remote() {
    return false;
  }
}
