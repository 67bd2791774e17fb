package dev.rpcshield.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One network's finality-aware response cache: looks calls up by their canonical key ({@link
 * Cacheability}) and keeps answers that can no longer change. Null results and errors are never
 * kept; a store that fails is a miss, counted, never a failed request. Keys carry the network's
 * generation: when an upstream turns up on another chain, {@link #invalidate()} moves to the next,
 * and nothing stored before (nor after, for a call looked up before) is read again. The cache is
 * off (every lookup not cacheable, nothing kept) until it has read the network's generation from
 * its store, which it tries when built and after each head poll: an instance started after the
 * fleet moved on never reads nor writes an earlier generation's entries.
 */
public final class ResponseCache {
  private static final String PREFIX = "rpcshield:cache:";

  private final String network;
  private final CacheStore store;
  private final ChainHeads heads;
  private final CacheEvents events;
  private final Map<String, Duration> realtime;
  private final CacheStore realtimeStore;
  private final AtomicLong generation = new AtomicLong();
  private volatile boolean advancePending;
  private volatile boolean generationRead;

  /** A cacheable call that was looked up: its key, and the stored result if there was one. */
  public record Lookup(Cacheability.Ticket ticket, String key, String result) {
    public boolean hit() {
      return result != null;
    }
  }

  /**
   * @param network the network's name, part of every key
   */
  public ResponseCache(String network, CacheStore store, ChainHeads heads, CacheEvents events) {
    this(network, store, heads, events, Map.of(), null);
  }

  /**
   * @param realtime the methods whose answers that may still change are kept briefly anyway, with
   *     their TTLs (the operator's opt-in; empty: none)
   * @param realtimeStore where those are kept: a store that expires entries by those TTLs
   */
  public ResponseCache(
      String network,
      CacheStore store,
      ChainHeads heads,
      CacheEvents events,
      Map<String, Duration> realtime,
      CacheStore realtimeStore) {
    this.network = network;
    this.store = store;
    this.heads = heads;
    this.events = events;
    this.realtime = Map.copyOf(realtime);
    this.realtimeStore = realtimeStore;
    refresh();
  }

  public String network() {
    return network;
  }

  /** Looks a call up; null when it is not cacheable now, or the generation was never read. */
  public Lookup lookup(String method, byte[] rawParams) {
    if (!generationRead) {
      return null;
    }
    Cacheability.Ticket ticket = Cacheability.classify(method, rawParams, heads.finalized());
    if (ticket == null && realtime.containsKey(method)) {
      ticket = Cacheability.realtime(method, rawParams);
    }
    if (ticket == null) {
      return null;
    }
    String key = key(ticket);
    byte[] value;
    try {
      value = storeFor(ticket).get(key);
    } catch (RuntimeException e) {
      events.storeError(network, method);
      value = null;
    }
    if (value == null) {
      events.miss(network, method);
      return new Lookup(ticket, key, null);
    }
    events.hit(network, method);
    return new Lookup(ticket, key, new String(value, StandardCharsets.UTF_8));
  }

  /**
   * Keeps the result of a call that missed, when it can no longer change: never a null result; for
   * a call by hash, only once the answer's block is at or below the finalized head.
   *
   * @return whether it was stored
   */
  public boolean remember(Lookup lookup, String resultJson) {
    if (lookup == null || lookup.hit() || resultJson == null || resultJson.equals("null")) {
      return false;
    }
    Cacheability.Ticket t = lookup.ticket();
    if (t.kind() == Cacheability.Kind.BY_HASH) {
      long block = Cacheability.blockOf(t.method(), resultJson);
      long finalized = heads.finalized();
      if (block < 0 || finalized < 0 || block > finalized) {
        return false;
      }
    }
    byte[] value = resultJson.getBytes(StandardCharsets.UTF_8);
    try {
      storeFor(t).put(lookup.key(), value);
    } catch (RuntimeException e) {
      events.storeError(network, t.method());
      return false;
    }
    events.stored(network, t.method(), value.length);
    return true;
  }

  /**
   * Drops every entry of the network, here at once and, through a shared store, for the fleet: one
   * of its upstreams was found on another chain, and what it answered since it was last seen on
   * this one may be that chain's. A call looked up before keeps the key it was given, so its answer
   * is stored where it is never read.
   */
  public void invalidate() {
    generation.incrementAndGet();
    advanceShared();
  }

  /**
   * Takes the shared generation if another instance moved it on, raises it to this one's if the
   * store holds less (it lost the counter), and retries a move the store missed; run when built and
   * after each head poll.
   */
  public void refresh() {
    if (advancePending) {
      advanceShared();
    }
    try {
      long shared = store.generation(network, generation.get());
      generation.accumulateAndGet(shared, Math::max);
      generationRead = true;
    } catch (RuntimeException e) {
      events.storeError(network, "generation");
    }
  }

  private void advanceShared() {
    try {
      long shared = store.advance(network, generation.get());
      generation.accumulateAndGet(shared, Math::max);
      advancePending = false;
    } catch (RuntimeException e) {
      advancePending = true;
      events.storeError(network, "generation");
    }
  }

  private CacheStore storeFor(Cacheability.Ticket t) {
    return t.kind() == Cacheability.Kind.REALTIME ? realtimeStore : store;
  }

  /**
   * {@code rpcshield:cache:<network>:<method>:<sha-256 of the canonical params>}; a realtime
   * entry's params are hashed with an {@code rt} prefix, so it never meets a final one, and after
   * the network's first generation with {@code g<generation>:} before that.
   */
  String key(Cacheability.Ticket t) {
    String params = t.kind() == Cacheability.Kind.REALTIME ? "rt" + t.params() : t.params();
    long g = generation.get();
    return PREFIX
        + network
        + ':'
        + t.method()
        + ':'
        + sha256(g == 0 ? params : "g" + g + ':' + params);
  }

  /** The method a key of this cache names, for eviction counts; null for a foreign key. */
  public static String methodOf(String key) {
    if (!key.startsWith(PREFIX)) {
      return null;
    }
    int end = key.lastIndexOf(':');
    int start = key.lastIndexOf(':', end - 1);
    return start < PREFIX.length() - 1 || end < 0 ? null : key.substring(start + 1, end);
  }

  /** The network a key of this cache names (names hold no colon), for eviction counts. */
  public static String networkOf(String key) {
    if (!key.startsWith(PREFIX)) {
      return null;
    }
    int end = key.indexOf(':', PREFIX.length());
    return end < 0 ? null : key.substring(PREFIX.length(), end);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
