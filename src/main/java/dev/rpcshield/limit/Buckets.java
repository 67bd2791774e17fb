package dev.rpcshield.limit;

import java.util.List;

/** The arithmetic shared by the stores: bucket refill, waits, and combining rule outcomes. */
final class Buckets {
  private Buckets() {}

  /** Tokens in a bucket after {@code elapsedMillis}, never above capacity. */
  static double refill(double tokens, long elapsedMillis, Rule r) {
    return Math.min(
        r.capacity(), tokens + Math.max(0, elapsedMillis) * r.refillPerSecond() / 1000.0);
  }

  /** Milliseconds until a bucket holding {@code tokens} can pay {@code cost}. */
  static long waitMillis(double tokens, Rule r) {
    if (r.refillPerSecond() <= 0 || r.cost() > r.capacity()) {
      return Long.MAX_VALUE / 4;
    }
    return (long) Math.ceil((r.cost() - tokens) * 1000.0 / r.refillPerSecond());
  }

  /** Epoch second at which a bucket holding {@code tokens} is full again. */
  static long fullAt(double tokens, Rule r, long nowMillis) {
    if (r.refillPerSecond() <= 0) {
      return nowMillis / 1000;
    }
    return (nowMillis + (long) Math.ceil((r.capacity() - tokens) * 1000.0 / r.refillPerSecond()))
        / 1000;
  }

  /** The combined decision: the refusal with the longest wait, else the tightest rule. */
  static Decision combine(List<Decision> perRule) {
    Decision pick = null;
    for (Decision d : perRule) {
      if (pick == null) {
        pick = d;
      } else if (!d.allowed()
          && (pick.allowed() || d.retryAfterMillis() > pick.retryAfterMillis())) {
        pick = d;
      } else if (d.allowed() && pick.allowed() && ratio(d) < ratio(pick)) {
        pick = d;
      }
    }
    return pick == null ? Decision.UNLIMITED : pick;
  }

  private static double ratio(Decision d) {
    return d.limit() == 0 ? 1.0 : (double) d.remaining() / d.limit();
  }
}
