package dev.rpcshield.ratewatch;

import dev.rpcshield.config.Resources;
import dev.rpcshield.limit.RedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import redis.clients.jedis.resps.Tuple;

/**
 * The cluster's ratewatch state in Redis: every instance adds the refusals it saw since its last
 * sync (one script call), so episodes and the flag threshold count refusals cluster-wide. The same
 * bounds as {@link EpisodeWindow} hold in Redis: at most {@code maxSeries} series, each kept {@code
 * retention} after its last refusal. Account refusals are counted in buckets of a sixtieth of the
 * window, and only the buckets wholly or partly inside it count, so the rolling count errs on the
 * low side: it never flags early.
 */
public final class SharedRatewatch implements RatewatchStore {
  private static final String SCRIPT = Resources.text(SharedRatewatch.class, "sync.lua");
  private final RedisConnection redis;
  private final String prefix;
  private final String counts;
  private final String firsts;
  private final String lasts;
  private final int maxSeries;
  private final Duration retention;
  private final Supplier<FlagRule> flag;

  /**
   * @param prefix the start of every key this uses ({@code {rw}:}: one hash tag, so on a Redis
   *     Cluster the script's keys are in one slot)
   */
  public SharedRatewatch(
      RedisConnection redis,
      String prefix,
      int maxSeries,
      Duration retention,
      Supplier<FlagRule> flag) {
    this.redis = redis;
    this.prefix = prefix;
    this.counts = prefix + "count";
    this.firsts = prefix + "first";
    this.lasts = prefix + "last";
    this.maxSeries = maxSeries;
    this.retention = retention;
    this.flag = flag;
  }

  /**
   * Adds refusal counts by series ({@code class|key}) and by account; returns the accounts whose
   * cluster-wide count crossed the threshold with this sync (each once per episode).
   */
  @Override
  public List<String> add(Map<String, Long> series, Map<String, Long> accounts) {
    List<String> keys = new ArrayList<>(3 + accounts.size() * 2);
    keys.add(counts);
    keys.add(firsts);
    keys.add(lasts);
    List<String> args = new ArrayList<>(6 + (series.size() + accounts.size()) * 2);
    args.add(String.valueOf(maxSeries));
    args.add(String.valueOf(retention.toMillis()));
    FlagRule rule = flag.get();
    long window = rule.window().toMillis();
    args.add(String.valueOf(rule.threshold()));
    args.add(String.valueOf(window));
    args.add(String.valueOf(Math.max(1, window / 60)));
    args.add(String.valueOf(series.size()));
    series.forEach((id, count) -> {
      args.add(id);
      args.add(String.valueOf(count));
    });
    accounts.forEach((account, count) -> {
      keys.add(prefix + "f:" + account);
      keys.add(prefix + "armed:" + account);
      args.add(account);
      args.add(String.valueOf(count));
    });
    List<String> fired = new ArrayList<>();
    for (Object o : (List<?>) redis.get().eval(SCRIPT, keys, args)) {
      fired.add(o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : o.toString());
    }
    return fired;
  }

  /** The cluster's live episodes, most recently throttled first. */
  @Override
  public List<Episode> episodes(Instant now) {
    long cutoff = now.minus(retention).toEpochMilli();
    List<Tuple> recent = redis.get().zrevrangeWithScores(lasts, 0, maxSeries - 1);
    List<Episode> out = new ArrayList<>(recent.size());
    if (recent.isEmpty()) {
      return out;
    }
    String[] ids = recent.stream().map(Tuple::getElement).toArray(String[]::new);
    List<String> countOf = redis.get().hmget(counts, ids);
    List<String> firstOf = redis.get().hmget(firsts, ids);
    for (int i = 0; i < ids.length; i++) {
      long last = (long) recent.get(i).getScore();
      if (last < cutoff || countOf.get(i) == null) {
        continue;
      }
      int bar = ids[i].indexOf('|');
      long first = firstOf.get(i) == null ? last : Long.parseLong(firstOf.get(i));
      out.add(
          new Episode(
              ids[i].substring(0, bar),
              ids[i].substring(bar + 1),
              Long.parseLong(countOf.get(i)),
              Instant.ofEpochMilli(first),
              Instant.ofEpochMilli(last)));
    }
    return out;
  }
}
