package dev.rpcshield.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Limiter state in this JVM: exact, fast, per instance, and without a lock: each bucket is one
 * immutable level swapped by compare-and-set, so requests of one caller charging at once retry
 * instead of queueing on a monitor. Memory is bounded: at most {@code maxKeys} buckets, Caffeine
 * evicting the least used first, so a client spraying fresh keys cannot grow the heap (an evicted
 * bucket simply starts full again).
 */
public final class InMemoryLimiterStore implements LimiterStore {
  private final Clock clock;
  private final Cache<String, AtomicReference<Level>> buckets;

  /** Tokens in a bucket when it was last charged, and when. */
  private record Level(double tokens, long at) {}

  /**
   * @param maxKeys most keys held (default 100,000: a few MB)
   */
  public InMemoryLimiterStore(Clock clock, int maxKeys) {
    this.clock = clock;
    this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).executor(Runnable::run).build();
  }

  @Override
  public List<Decision> charge(List<List<Rule>> members) {
    long now = clock.millis();
    List<Decision> out = new ArrayList<>(members.size());
    for (List<Rule> rules : members) {
      out.add(chargeMember(rules, now));
    }
    return out;
  }

  /**
   * Charges every rule of a member, or none: each bucket is taken by compare-and-set in turn, and
   * when one cannot pay, those already taken get their tokens back and the member is refused.
   */
  private Decision chargeMember(List<Rule> rules, long now) {
    List<AtomicReference<Level>> taken = new ArrayList<>(rules.size());
    List<Decision> passed = new ArrayList<>(rules.size());
    for (Rule r : rules) {
      AtomicReference<Level> bucket = bucket(r, now);
      Decision d = take(bucket, r, now);
      if (!d.allowed()) {
        for (int j = 0; j < taken.size(); j++) {
          giveBack(taken.get(j), rules.get(j));
        }
        return refusal(rules, r, d, now);
      }
      taken.add(bucket);
      passed.add(d);
    }
    return Buckets.combine(passed);
  }

  private AtomicReference<Level> bucket(Rule r, long now) {
    return buckets.get(r.key(), k -> new AtomicReference<>(new Level(r.capacity(), now)));
  }

  /** Takes the rule's cost from the refilled bucket, or refuses and takes nothing. */
  private static Decision take(AtomicReference<Level> bucket, Rule r, long now) {
    while (true) {
      Level level = bucket.get();
      double tokens = tokens(level, r, now);
      if (cannotPay(r, tokens)) {
        return refused(r, tokens, now);
      }
      double left = tokens - r.cost();
      if (bucket.compareAndSet(level, new Level(left, Math.max(now, level.at())))) {
        return new Decision(
            true, r.name(), r.capacity(), (long) left, 0, Buckets.fullAt(left, r, now));
      }
    }
  }

  private static void giveBack(AtomicReference<Level> bucket, Rule r) {
    bucket.updateAndGet(
        level -> new Level(Math.min(r.capacity(), level.tokens() + r.cost()), level.at()));
  }

  /**
   * The member's refusal: the rule that could not pay, with every other rule that cannot pay now
   * (read only: a bucket not held yet is full); the one with the longest wait decides.
   */
  private Decision refusal(List<Rule> rules, Rule refusing, Decision refused, long now) {
    List<Decision> refusals = new ArrayList<>(2);
    refusals.add(refused);
    for (Rule r : rules) {
      if (r == refusing) {
        continue;
      }
      AtomicReference<Level> bucket = buckets.getIfPresent(r.key());
      double tokens = bucket == null ? r.capacity() : tokens(bucket.get(), r, now);
      if (cannotPay(r, tokens)) {
        refusals.add(refused(r, tokens, now));
      }
    }
    return Buckets.combine(refusals);
  }

  /** Tokens in the bucket now: its level refilled for the time since it was charged. */
  private static double tokens(Level level, Rule r, long now) {
    return Buckets.refill(level.tokens(), now - level.at(), r);
  }

  private static boolean cannotPay(Rule r, double tokens) {
    return r.cost() > 0 && tokens < r.cost();
  }

  private static Decision refused(Rule r, double tokens, long now) {
    return new Decision(
        false,
        r.name(),
        r.capacity(),
        (long) tokens,
        Buckets.waitMillis(tokens, r),
        Buckets.fullAt(tokens, r, now));
  }

  /** Keys held now (for tests and the store's metrics). */
  public int size() {
    buckets.cleanUp();
    return (int) buckets.estimatedSize();
  }
}
