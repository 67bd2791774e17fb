package dev.rpcshield.upstream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.rpcshield.sender.SignedTransaction;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What a network's gateway accepted of eth_sendRawTransaction: which upstreams took each
 * transaction (so that one that has not seen it is not the only one asked for it), each sender's
 * highest accepted nonce ({@link PendingNonces}, shared by the fleet with Redis), so that its
 * {@code pending} transaction count never goes back while its transaction is on its way, and, when
 * it is rebroadcast until included, the transaction itself. Each is kept for the longer of {@code
 * pendingNonceFor} and {@code rebroadcastFor}, at most {@code trackedMax} of them (one kept to be
 * rebroadcast counts once per KiB of it), so memory stays near {@code trackedMax} KiB. A restart
 * forgets them.
 */
public final class SentTransactions {
  private static final int KIB = 1024;

  /** A transaction the gateway took. */
  public static final class Tracked {
    final String hash;
    final String raw;
    final String sender;
    final BigInteger nonce;
    final Instant until;
    final Set<String> takenBy = ConcurrentHashMap.newKeySet();

    /** The head each upstream was last sent it at, by name. */
    final Map<String, Long> sentAt = new ConcurrentHashMap<>();

    final AtomicBoolean ended = new AtomicBoolean();

    Tracked(SignedTransaction tx, String raw, Instant until) {
      this.hash = tx.hash();
      this.raw = raw;
      this.sender = tx.sender();
      this.nonce = tx.nonce();
      this.until = until;
    }
  }

  /** How a rebroadcast transaction stopped being one. */
  public enum End {
    /** Found in a block. */
    INCLUDED,
    /** Another transaction of its sender and nonce was mined. */
    REPLACED,
    /** {@code rebroadcast-for} passed first. */
    EXPIRED
  }

  private final String network;
  private final Cache<String, Tracked> tracked;
  private final PendingNonces nonces;
  private final Duration pendingNonceFor;
  private final Duration rebroadcastFor;
  private final Clock clock;
  private final LongAdder rebroadcasts = new LongAdder();
  private final Map<End, LongAdder> ends = new ConcurrentHashMap<>();
  private volatile Consumer<End> endListener = e -> {};
  private volatile Runnable rebroadcastListener = () -> {};

  public SentTransactions(
      String network,
      int trackedMax,
      Duration pendingNonceFor,
      Duration rebroadcastFor,
      PendingNonces nonces,
      Clock clock) {
    this.network = network;
    this.pendingNonceFor = pendingNonceFor;
    this.rebroadcastFor = rebroadcastFor;
    this.nonces = nonces;
    this.clock = clock;
    Duration keepFor =
        pendingNonceFor.compareTo(rebroadcastFor) > 0 ? pendingNonceFor : rebroadcastFor;
    this.tracked =
        Caffeine.newBuilder()
            .maximumWeight(trackedMax)
            .<String, Tracked>weigher((hash, t) -> 1 + (t.raw == null ? 0 : t.raw.length() / KIB))
            .expireAfterWrite(keepFor.isZero() ? Duration.ofNanos(1) : keepFor)
            .ticker(() -> clock.millis() * 1_000_000L)
            .build();
    for (End e : End.values()) {
      ends.put(e, new LongAdder());
    }
  }

  /**
   * {@code upstream} took {@code tx} (sent as {@code raw}): remembered, and its nonce raises the
   * sender's pending count.
   */
  public void accepted(SignedTransaction tx, String raw, String upstream) {
    if (pendingNonceFor.isZero() && rebroadcastFor.isZero()) {
      return;
    }
    boolean rebroadcast = !rebroadcastFor.isZero();
    Tracked t =
        tracked.get(
            tx.hash(),
            h -> new Tracked(tx, rebroadcast ? raw : null, clock.instant().plus(rebroadcastFor)));
    t.takenBy.add(upstream);
    if (!pendingNonceFor.isZero()) {
      nonces.accepted(network, tx.sender(), tx.nonce(), pendingNonceFor);
    }
  }

  /** The upstreams that took the transaction of {@code hash}, as far as this instance knows. */
  public List<String> takenBy(String hash) {
    Tracked t = tracked.getIfPresent(hash.toLowerCase(Locale.ROOT));
    return t == null ? List.of() : List.copyOf(t.takenBy);
  }

  /** The highest nonce accepted for {@code sender} lately, or null. */
  public BigInteger highestNonce(String sender) {
    return pendingNonceFor.isZero() ? null : nonces.highest(network, sender);
  }

  /** Whether recording or reading may wait on the network (Redis). */
  public boolean remote() {
    return nonces.remote();
  }

  /** Whether taken transactions are rebroadcast until included. */
  public boolean rebroadcasting() {
    return !rebroadcastFor.isZero();
  }

  /**
   * The transactions to rebroadcast now; those whose {@code rebroadcast-for} has passed end as
   * expired.
   */
  List<Tracked> due() {
    tracked.cleanUp();
    Instant now = clock.instant();
    List<Tracked> out = new ArrayList<>();
    for (Tracked t : tracked.asMap().values()) {
      if (t.raw == null || t.ended.get()) {
        continue;
      }
      if (now.isAfter(t.until)) {
        end(t, End.EXPIRED);
      } else {
        out.add(t);
      }
    }
    return out;
  }

  /** {@code t} is no longer rebroadcast. */
  void end(Tracked t, End how) {
    if (t.ended.compareAndSet(false, true)) {
      ends.get(how).increment();
      endListener.accept(how);
    }
  }

  void rebroadcast() {
    rebroadcasts.increment();
    rebroadcastListener.run();
  }

  /** Who is told of each rebroadcast and each end (the metrics). */
  public void listen(Runnable onRebroadcast, Consumer<End> onEnd) {
    this.rebroadcastListener = onRebroadcast;
    this.endListener = onEnd;
  }

  /** Transactions sent again to an upstream that did not have them, since start. */
  public long rebroadcasts() {
    return rebroadcasts.sum();
  }

  /** Rebroadcast transactions that ended {@code how}, since start. */
  public long ended(End how) {
    return ends.get(how).sum();
  }

  /** Transactions being rebroadcast now. */
  public long tracked() {
    Instant now = clock.instant();
    return tracked.asMap().values().stream()
        .filter(t -> t.raw != null && !t.ended.get() && !now.isAfter(t.until))
        .count();
  }
}
