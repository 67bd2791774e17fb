package dev.rpcshield.logs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcshield.logs.LogsSplitter.Chunk;
import dev.rpcshield.logs.LogsSplitter.ChunkSource;
import dev.rpcshield.logs.LogsSplitter.Failed;
import dev.rpcshield.logs.LogsSplitter.Joined;
import dev.rpcshield.logs.LogsSplitter.Logs;
import dev.rpcshield.logs.LogsSplitter.Outcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One eth_getLogs range being fetched in chunks: at most {@code concurrency} lanes each take the
 * next chunk as the one before it answers, until none is left or one has failed, so no more than
 * {@code concurrency} are in flight, none starts after a failure, and no thread waits for them.
 */
final class ChunkedFetch {
  private final ObjectNode filter;
  private final long lastOnChain;
  private final ChunkSource source;
  private final long chunkRange;
  private final int concurrency;
  private final long maxBytes;
  private final AtomicLong bytes = new AtomicLong();

  /**
   * @param lastOnChain the last block of the range the gateway knows to be on the chain
   */
  ChunkedFetch(
      ObjectNode filter,
      long lastOnChain,
      ChunkSource source,
      long chunkRange,
      int concurrency,
      long maxBytes) {
    this.filter = filter;
    this.lastOnChain = lastOnChain;
    this.source = source;
    this.chunkRange = chunkRange;
    this.concurrency = concurrency;
    this.maxBytes = maxBytes;
  }

  /**
   * Chunks of {@code chunkRange} blocks from {@code from}; the last one asks for the client's own
   * toBlock, so that the node reads one past the head the gateway last saw as it reads the client's
   * filter.
   */
  CompletionStage<Outcome> run(long from, long to, long toAsked, int chunks) {
    String[] results = new String[chunks];
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Outcome> failure = new AtomicReference<>();
    CompletableFuture<?>[] lanes = new CompletableFuture<?>[Math.min(concurrency, chunks)];
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = lane(next, chunks, from, toAsked, results, failure).toCompletableFuture();
    }
    return CompletableFuture.allOf(lanes)
        .thenApply(done -> failure.get() != null ? failure.get() : joined(results));
  }

  /** Takes chunks one after another; those answered at once (cached) without recursion. */
  private CompletionStage<Void> lane(
      AtomicInteger next,
      int chunks,
      long from,
      long toAsked,
      String[] results,
      AtomicReference<Outcome> failure) {
    while (true) {
      int i = next.getAndIncrement();
      if (i >= chunks || failure.get() != null) {
        return CompletableFuture.completedFuture(null);
      }
      long start = from + i * chunkRange;
      long end = i == chunks - 1 ? toAsked : start + chunkRange - 1;
      CompletableFuture<Void> taken =
          fetch(start, end)
              .handle((logs, t) -> {
                if (t == null) {
                  results[i] = logs;
                } else {
                  failure.compareAndSet(null, outcomeOf(t, start, end));
                }
                return (Void) null;
              })
              .toCompletableFuture();
      if (!taken.isDone()) {
        return taken.thenCompose(v -> lane(next, chunks, from, toAsked, results, failure));
      }
    }
  }

  /**
   * One chunk, bisected while an upstream refuses it as too large: in the blocks known to be on the
   * chain, so a chunk past them is cut at most once more, after its first block.
   */
  private CompletionStage<String> fetch(long from, long to) {
    ObjectNode chunk = filter.deepCopy();
    chunk.put("fromBlock", "0x" + Long.toHexString(from));
    chunk.put("toBlock", "0x" + Long.toHexString(to));
    return source.fetch(chunk.toString()).thenCompose(got -> taken(got, from, to));
  }

  private CompletionStage<String> taken(Chunk got, long from, long to) {
    if (got instanceof Failed f) {
      if (f.chainError()
          && LogsSplitter.tooLarge(f.message())
          && to > from
          && from <= lastOnChain) {
        long mid = from + (Math.min(to, lastOnChain) - from) / 2;
        return fetch(from, mid)
            .thenCompose(left -> fetch(mid + 1, to).thenApply(right -> concat(left, right)));
      }
      throw new ChunkFailed(LogsSplitter.incomplete(from, to, f.message()));
    }
    String logs = ((Logs) got).resultJson().strip();
    if (!logs.startsWith("[") || !logs.endsWith("]")) {
      throw new ChunkFailed(
          LogsSplitter.incomplete(from, to, "the upstream's answer is not a list"));
    }
    if (bytes.addAndGet(logs.length()) > maxBytes) {
      throw new ChunkFailed(
          LogsSplitter.refuse(
              "the logs exceed "
                  + maxBytes
                  + " bytes; ask for a smaller range or a narrower filter"));
    }
    return CompletableFuture.completedFuture(logs);
  }

  private static String concat(String left, String right) {
    String l = left.substring(1, left.length() - 1).strip();
    String r = right.substring(1, right.length() - 1).strip();
    return "[" + l + (l.isEmpty() || r.isEmpty() ? "" : ",") + r + "]";
  }

  private static Outcome outcomeOf(Throwable t, long from, long to) {
    Throwable cause = t.getCause() != null && !(t instanceof ChunkFailed) ? t.getCause() : t;
    return cause instanceof ChunkFailed f
        ? f.outcome
        : LogsSplitter.incomplete(from, to, "the chunk could not be fetched");
  }

  private Joined joined(String[] results) {
    StringBuilder joined =
        new StringBuilder((int) Math.min(Integer.MAX_VALUE - 8, bytes.get() + 2));
    joined.append('[');
    for (String r : results) {
      String inner = r.substring(1, r.length() - 1).strip();
      if (!inner.isEmpty()) {
        if (joined.length() > 1) {
          joined.append(',');
        }
        joined.append(inner);
      }
    }
    return new Joined(joined.append(']').toString());
  }

  /** A chunk's failure, carried out of a completion stage. */
  private static final class ChunkFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Outcome outcome;

    ChunkFailed(Outcome outcome) {
      super(null, null, false, false);
      this.outcome = outcome;
    }
  }
}
