package dev.rpcshield.limit;

import dev.rpcshield.config.Resources;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Limiter state in Redis, shared by every gateway instance: one Lua script per body (all members,
 * all rules, one round trip), time from Redis itself, a TTL on every key, pooled connections with
 * short timeouts. Failures surface as exceptions; {@link SharedRedis} decides what then.
 *
 * <p>On a Redis Cluster a script may only touch keys of one slot. A caller's keys share a hash tag
 * (see {@link Limits}), so a body is one script call unless it also charges a transaction sender,
 * whose keys have a tag of their own (or it carries the bodies of several callers, see {@link
 * CoalescingLimiterStore}): then each slot's rules are charged by their own call, the calls run at
 * once, and a member passes only if every call allowed it. A member refused by one slot's rules has
 * still spent its tokens in the others, so the cluster errs toward refusing, never toward admitting
 * more.
 */
public final class RedisLimiterStore implements LimiterStore, AutoCloseable {
  private static final String SCRIPT = Resources.text(RedisLimiterStore.class, "charge.lua");

  private final RedisConnection redis;
  private final ExecutorService slotCalls = Executors.newVirtualThreadPerTaskExecutor();
  private volatile String sha;

  public RedisLimiterStore(RedisConnection redis) {
    this.redis = redis;
  }

  @Override
  public List<Decision> charge(List<List<Rule>> members) {
    if (!redis.cluster()) {
      return chargeTogether(members);
    }
    Map<Integer, List<List<Rule>>> bySlot = new LinkedHashMap<>();
    for (int m = 0; m < members.size(); m++) {
      for (Rule r : members.get(m)) {
        bySlot
            .computeIfAbsent(JedisClusterCRC16.getSlot(r.key()), s -> emptyMembers(members.size()))
            .get(m)
            .add(r);
      }
    }
    if (bySlot.size() <= 1) {
      return chargeTogether(members);
    }
    List<List<Decision>> perSlot = chargeSlotsAtOnce(bySlot.values());
    List<Decision> out = new ArrayList<>(members.size());
    for (int m = 0; m < members.size(); m++) {
      Decision chosen = Decision.UNLIMITED;
      for (List<Decision> slot : perSlot) {
        Decision d = slot.get(m);
        if (d.equals(Decision.UNLIMITED)) {
          continue;
        }
        if (chosen.equals(Decision.UNLIMITED)
            || (!d.allowed() && chosen.allowed())
            || (d.allowed() == chosen.allowed() && d.remaining() < chosen.remaining())) {
          chosen = d;
        }
      }
      out.add(chosen);
    }
    return out;
  }

  /**
   * One script call per slot, all at once (the slots' nodes work in parallel), so a coalesced body
   * of many callers waits for its slowest slot, not for the sum of them.
   */
  private List<List<Decision>> chargeSlotsAtOnce(Collection<List<List<Rule>>> slots) {
    List<Future<List<Decision>>> calls = new ArrayList<>(slots.size());
    for (List<List<Rule>> slotMembers : slots) {
      calls.add(slotCalls.submit(() -> chargeTogether(slotMembers)));
    }
    List<List<Decision>> out = new ArrayList<>(calls.size());
    try {
      for (Future<List<Decision>> call : calls) {
        out.add(call.get());
      }
    } catch (InterruptedException e) {
      calls.forEach(c -> c.cancel(true));
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while charging in Redis", e);
    } catch (ExecutionException e) {
      calls.forEach(c -> c.cancel(true));
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
    return out;
  }

  private static List<List<Rule>> emptyMembers(int n) {
    List<List<Rule>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new ArrayList<>());
    }
    return out;
  }

  /** Charges every member's rules in one script call (keys of one slot on a cluster). */
  private List<Decision> chargeTogether(List<List<Rule>> members) {
    List<String> keys = new ArrayList<>();
    List<String> args = new ArrayList<>();
    args.add(String.valueOf(members.size()));
    for (List<Rule> rules : members) {
      args.add(String.valueOf(rules.size()));
      for (Rule r : rules) {
        keys.add(r.key());
        args.add(String.valueOf(r.capacity()));
        args.add(String.valueOf(r.refillPerSecond()));
        args.add(String.valueOf(r.cost()));
      }
    }
    List<?> reply = run(keys, args);
    List<Decision> out = new ArrayList<>(members.size());
    for (int m = 0; m < members.size(); m++) {
      List<Rule> rules = members.get(m);
      long allowed = (Long) reply.get(m * 5);
      int index = (int) (long) (Long) reply.get(m * 5 + 1);
      if (index == 0) {
        out.add(Decision.UNLIMITED);
        continue;
      }
      Rule r = rules.get(index - 1);
      out.add(
          new Decision(
              allowed == 1,
              r.name(),
              r.capacity(),
              (Long) reply.get(m * 5 + 2),
              (Long) reply.get(m * 5 + 3),
              (Long) reply.get(m * 5 + 4)));
    }
    return out;
  }

  /** The connection, shared with {@link RedisConnectionLeases} and cluster-wide ratewatch. */
  public RedisConnection connection() {
    return redis;
  }

  /** Opens a connection and loads the script now, so the first request does not pay for it. */
  public void warmUp() {
    sha = redis.get().scriptLoad(SCRIPT, "warm-up");
  }

  private List<?> run(List<String> keys, List<String> args) {
    UnifiedJedis client = redis.get();
    String sample = keys.isEmpty() ? "none" : keys.get(0);
    String loaded = sha;
    if (loaded == null) {
      loaded = sha = client.scriptLoad(SCRIPT, sample);
    }
    try {
      return (List<?>) client.evalsha(loaded, keys, args);
    } catch (JedisNoScriptException e) {
      sha = client.scriptLoad(SCRIPT, sample);
      return (List<?>) client.evalsha(sha, keys, args);
    }
  }

  @Override
  public void close() {
    slotCalls.close();
    redis.close();
  }
}
