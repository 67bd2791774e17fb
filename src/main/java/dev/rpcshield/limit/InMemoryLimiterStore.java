package dev.rpcshield.limit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Limiter state in this JVM: exact, fast, per instance. Memory is bounded: at most {@code maxKeys}
 * keys, the least recently used evicted first, so a client spraying fresh keys cannot grow the heap
 * (an evicted bucket simply starts full again).
 */
public final class InMemoryLimiterStore implements LimiterStore {
  private final Clock clock;
  private final Map<String, double[]> state;

  /**
   * @param maxKeys most keys held (default 100,000: a few MB)
   */
  public InMemoryLimiterStore(Clock clock, int maxKeys) {
    this.clock = clock;
    this.state =
        new LinkedHashMap<>(1024, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > maxKeys;
          }
        };
  }

  @Override
  public synchronized List<Decision> charge(List<List<Rule>> members) {
    long now = clock.millis();
    List<Decision> out = new ArrayList<>(members.size());
    for (List<Rule> rules : members) {
      out.add(chargeMember(rules, now));
    }
    return out;
  }

  /** State per key: {tokens, last refill millis}. */
  private Decision chargeMember(List<Rule> rules, long now) {
    double[] levels = new double[rules.size()];
    List<Decision> refusals = new ArrayList<>(1);
    for (int i = 0; i < rules.size(); i++) {
      Rule r = rules.get(i);
      double[] s = state.get(r.key());
      double tokens = s == null ? r.capacity() : Buckets.refill(s[0], now - (long) s[1], r);
      levels[i] = tokens;
      if (r.cost() > 0 && tokens < r.cost()) {
        refusals.add(
            new Decision(
                false,
                r.name(),
                r.capacity(),
                (long) tokens,
                Buckets.waitMillis(tokens, r),
                Buckets.fullAt(tokens, r, now)));
      }
    }
    if (!refusals.isEmpty()) {
      return Buckets.combine(refusals);
    }
    List<Decision> passed = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      Rule r = rules.get(i);
      double left = levels[i] - r.cost();
      state.put(r.key(), new double[] {left, now});
      passed.add(
          new Decision(true, r.name(), r.capacity(), (long) left, 0, Buckets.fullAt(left, r, now)));
    }
    return Buckets.combine(passed);
  }

  /** Keys held now (for tests and the store's metrics). */
  public synchronized int size() {
    return state.size();
  }
}
