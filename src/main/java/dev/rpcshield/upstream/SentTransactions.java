package dev.rpcshield.upstream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rpcshield.sender.SignedTransaction;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a network's gateway accepted of eth_sendRawTransaction: which upstreams took each
 * transaction (so that one that has not seen it is not the only one asked for it), and each
 * sender's highest accepted nonce ({@link PendingNonces}, shared by the fleet with Redis), so that
 * its {@code pending} transaction count never goes back while its transaction is on its way. At
 * most {@code trackedMax} transactions are kept, each for {@code keepFor}; a restart forgets them.
 */
public final class SentTransactions {
  private final String network;
  private final Cache<String, Set<String>> takenBy;
  private final PendingNonces nonces;
  private final Duration keepFor;

  public SentTransactions(
      String network, int trackedMax, Duration keepFor, PendingNonces nonces, Clock clock) {
    this.network = network;
    this.keepFor = keepFor;
    this.nonces = nonces;
    this.takenBy =
        Caffeine.newBuilder()
            .maximumSize(trackedMax)
            .expireAfterWrite(keepFor)
            .ticker(() -> clock.millis() * 1_000_000L)
            .build();
  }

  /**
   * {@code upstream} took {@code tx}: remembered, and its nonce raises the sender's pending count.
   */
  public void accepted(SignedTransaction tx, String upstream) {
    if (keepFor.isZero()) {
      return;
    }
    takenBy.get(tx.hash(), h -> ConcurrentHashMap.newKeySet()).add(upstream);
    nonces.accepted(network, tx.sender(), tx.nonce(), keepFor);
  }

  /** The upstreams that took the transaction of {@code hash}, as far as this instance knows. */
  public List<String> takenBy(String hash) {
    Set<String> names = takenBy.getIfPresent(hash.toLowerCase(java.util.Locale.ROOT));
    return names == null ? List.of() : List.copyOf(names);
  }

  /** The highest nonce accepted for {@code sender} lately, or null. */
  public BigInteger highestNonce(String sender) {
    return keepFor.isZero() ? null : nonces.highest(network, sender);
  }

  /** Whether recording or reading may wait on the network (Redis). */
  public boolean remote() {
    return nonces.remote();
  }
}
