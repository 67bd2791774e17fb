package dev.rpcshield.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One newHeads subscription's headers, delivered in block order without gaps or repeats whatever
 * the upstream stream does: a header already delivered (same number and hash) is dropped; a header
 * past the next number is preceded by the missing ones, fetched by number ({@code fetch}), up to
 * {@code backfill} of them (a larger jump delivers the newest and says so in the log); a header of
 * a number already passed with another hash is a reorg and is delivered, as a node does. Work is
 * serial per subscription and holds no lock: a header that arrives while the missing ones are
 * fetched waits its turn. Nothing is delivered before {@link #release} (the subscription's id has
 * reached its client); a subscription that resumes from a block first gets the headers from there
 * to the head, then what came meanwhile; one that does not starts after the head known then.
 * Besides the upstream streams, the heads every upstream shows to the network's polls bring blocks
 * too ({@link #reached}): whichever shows a block first delivers it. A header whose parent is not
 * the block delivered below it shows a reorg that no header of its own announced (a poll saw only
 * the new chain's tip, a stream skipped it): its new ancestors are fetched by hash, back to the
 * block they share (at most the 16 remembered), and delivered as the reorg before it. Where headers
 * come from several upstreams, one that lags can show a block a reorg already replaced: with a
 * {@link Lookups#canonical} lookup, a header that would replace delivered blocks is only taken when
 * the block of its number asked afresh is that very block.
 */
final class HeadsInOrder {

  /**
   * Where missing headers come from.
   *
   * @param byNumber the header of a block number (null when there is none), possibly shared and a
   *     few seconds old
   * @param byHash the header of a block hash (null when there is none)
   * @param canonical the header of a block number asked afresh, to confirm a reorg before it is
   *     delivered; null to take every reorg a header shows (the headers come from one source)
   */
  record Lookups(
      LongFunction<CompletableFuture<JsonNode>> byNumber,
      Function<String, CompletableFuture<JsonNode>> byHash,
      LongFunction<CompletableFuture<JsonNode>> canonical) {}

  /** What a subscription does with its blocks, taken in order. */
  interface Follower {
    /** The next block, by its header: deliver what it brings to the subscriber. */
    CompletableFuture<Void> block(JsonNode header);

    /** The blocks {@code from} to {@code to} (inclusive), delivered before, were reorged away. */
    default CompletableFuture<Void> replaced(long from, long to) {
      return CompletableFuture.completedFuture(null);
    }
  }

  private static final Logger LOG = Logger.getLogger(HeadsInOrder.class.getName());
  private static final int REMEMBERED = 16;

  private final Lookups lookups;
  private final Follower follower;
  private final int backfill;
  private final String name;
  private final ConcurrentLinkedDeque<Supplier<CompletableFuture<Void>>> tasks =
      new ConcurrentLinkedDeque<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean held = true;
  private volatile boolean closed;

  /** Delivered numbers and hashes, the most recent last; touched only by the running task. */
  private final Map<Long, String> recent = new LinkedHashMap<>();

  private long last = -1;

  /** Whether a header was delivered, or a block to resume from was given. */
  private boolean started;

  /**
   * @param lookups where missing headers come from
   * @param follower what the subscription does with each block
   * @param backfill most missing headers fetched for one jump
   * @param name the subscription, for the log
   * @param from the block to resume from, or -1 to start with the next header
   */
  HeadsInOrder(Lookups lookups, Follower follower, int backfill, String name, long from) {
    this.lookups = lookups;
    this.follower = follower;
    this.backfill = backfill;
    this.name = name;
    if (from >= 0) {
      started = true;
      last = from - 1;
    }
  }

  /**
   * Starts delivering: for a subscription that resumes, the headers from its block up to {@code
   * head} first, then the headers that arrived meanwhile.
   */
  void release(long head) {
    if (started) {
      tasks.addFirst(() -> head > last ? fill(last + 1, head + 1) : done());
    } else if (head >= 0) {
      tasks.addFirst(() -> {
        if (!started) {
          started = true;
          last = head;
        }
        return done();
      });
    }
    held = false;
    drain();
  }

  /**
   * A head some upstream showed (a poll of every upstream's head): the blocks up to it follow, even
   * when the upstream stream has not brought them (it lags, or none runs).
   */
  void reached(long head) {
    if (head < 0) {
      return;
    }
    tasks.add(() -> {
      if (!started) {
        started = true;
        last = head;
        return done();
      }
      if (head <= last) {
        return done();
      }
      if (head - last - 1 > backfill) {
        jumped(head - last - 1, head);
        return fill(head, head + 1);
      }
      return fill(last + 1, head + 1);
    });
    drain();
  }

  /** Ends it: nothing more is fetched or delivered. */
  void close() {
    closed = true;
    tasks.clear();
  }

  private void jumped(long missed, long number) {
    LOG.info(() ->
        "subscription "
            + name
            + " jumped "
            + missed
            + " blocks, past the "
            + backfill
            + " it backfills; delivering block "
            + number);
  }

  private static CompletableFuture<Void> done() {
    return CompletableFuture.completedFuture(null);
  }

  /** A header the upstream stream brought. */
  void arrived(JsonNode header) {
    tasks.add(() -> take(header));
    drain();
  }

  private void drain() {
    while (!held && !closed && running.compareAndSet(false, true)) {
      Supplier<CompletableFuture<Void>> task = tasks.poll();
      if (task == null) {
        running.set(false);
        if (tasks.isEmpty()) {
          return;
        }
        continue;
      }
      CompletableFuture<Void> done;
      try {
        done = task.get();
      } catch (Throwable e) {
        LOG.warning(() -> "subscription " + name + " could not take a block: " + e);
        done = CompletableFuture.completedFuture(null);
      }
      if (done.isDone()) {
        running.set(false);
        continue;
      }
      done.whenComplete((v, t) -> {
        running.set(false);
        drain();
      });
      return;
    }
  }

  private CompletableFuture<Void> take(JsonNode header) {
    long number = number(header);
    if (number < 0) {
      return follower.block(header);
    }
    String hash = header.path("hash").asText("");
    if (started && number <= last) {
      String had = recent.get(number);
      // A reorg only where this very number was delivered with another hash; an older header (a
      // stream behind the polls, or before the block resumed from) is nothing new.
      return had != null && !had.equals(hash) ? linked(number, header) : done();
    }
    if (!started || number == last + 1) {
      return linked(number, header);
    }
    long from = last + 1;
    if (number - from > backfill) {
      jumped(number - from, number);
      return give(number, header);
    }
    return fill(from, number).thenCompose(v -> give(number, header));
  }

  /** Fetches and delivers the headers from {@code n} up to (not including) {@code upTo}. */
  private CompletableFuture<Void> fill(long n, long upTo) {
    if (n >= upTo || closed) {
      return CompletableFuture.completedFuture(null);
    }
    return lookups
        .byNumber()
        .apply(n)
        .handle((h, t) -> h)
        .thenCompose(h -> {
          if (h == null || h.isNull() || number(h) != n) {
            LOG.info(() -> "subscription " + name + " could not backfill block " + n);
            return CompletableFuture.completedFuture(null);
          }
          return linked(n, h).thenCompose(v -> fill(n + 1, upTo));
        });
  }

  /**
   * Delivers {@code header}, preceded by its new ancestors when its parent is not the block
   * delivered below it.
   */
  private CompletableFuture<Void> linked(long number, JsonNode header) {
    boolean forks = forks(number, header);
    if (!forks && !(started && number <= last)) {
      return give(number, header);
    }
    return confirmed(number, header)
        .thenCompose(canonical -> {
          if (!canonical) {
            LOG.fine(
                () -> "subscription " + name + " dropped block " + number + " of another fork");
            return done();
          }
          return forks ? withAncestors(number, header) : give(number, header);
        });
  }

  /**
   * Whether {@code header} is the block of its number, asked afresh ({@link Lookups#canonical});
   * true without asking when there is no such lookup.
   */
  private CompletableFuture<Boolean> confirmed(long number, JsonNode header) {
    if (lookups.canonical() == null) {
      return CompletableFuture.completedFuture(true);
    }
    String hash = header.path("hash").asText("");
    return lookups
        .canonical()
        .apply(number)
        .handle((c, t) -> c != null && hash.equals(c.path("hash").asText(null)));
  }

  private CompletableFuture<Void> withAncestors(long number, JsonNode header) {
    return ancestors(header, new ArrayDeque<>())
        .thenCompose(chain -> {
          CompletableFuture<Void> given = done();
          for (JsonNode h : chain) {
            given = given.thenCompose(v -> give(number(h), h));
          }
          return given.thenCompose(v -> give(number, header));
        });
  }

  /**
   * Whether {@code header}'s parent is another block than the one delivered at the number below.
   */
  private boolean forks(long number, JsonNode header) {
    String parent = header.path("parentHash").asText("");
    String had = recent.get(number - 1);
    return !parent.isEmpty() && had != null && !had.equals(parent);
  }

  /**
   * The ancestors of {@code child} not delivered yet, oldest first, back to the block it shares
   * with what was delivered or as far as they could be fetched.
   */
  private CompletableFuture<Deque<JsonNode>> ancestors(JsonNode child, Deque<JsonNode> chain) {
    long n = number(child);
    if (closed || chain.size() >= REMEMBERED || !forks(n, child)) {
      return CompletableFuture.completedFuture(chain);
    }
    String parent = child.path("parentHash").asText();
    return lookups
        .byHash()
        .apply(parent)
        .handle((h, t) -> h)
        .thenCompose(h -> {
          if (h == null || !h.isObject() || number(h) != n - 1) {
            LOG.info(() -> "subscription " + name + " could not fetch reorged block " + parent);
            return CompletableFuture.completedFuture(chain);
          }
          chain.addFirst(h);
          return ancestors(h, chain);
        });
  }

  private CompletableFuture<Void> give(long number, JsonNode header) {
    if (closed) {
      return done();
    }
    CompletableFuture<Void> undone = CompletableFuture.completedFuture(null);
    if (started && number <= last) {
      recent.keySet().removeIf(k -> k >= number);
      undone = follower.replaced(number, last);
    }
    return undone
        .thenCompose(v -> follower.block(header))
        .thenRun(() -> {
          started = true;
          last = number;
          recent.put(number, header.path("hash").asText(""));
          Iterator<Long> oldest = recent.keySet().iterator();
          while (recent.size() > REMEMBERED && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
          }
        });
  }

  /** A header's block number, or -1 when it has none that reads as one. */
  static long number(JsonNode header) {
    JsonNode n = header.path("number");
    if (!n.isTextual() || !n.asText().startsWith("0x")) {
      return -1;
    }
    try {
      return Long.parseLong(n.asText().substring(2), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
