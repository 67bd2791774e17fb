package dev.rpcshield.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** A named set of upstreams that serve the same methods, with the order to try them in. */
public final class UpstreamGroup {
  private final String name;
  private final Strategy strategy;
  private final List<Upstream> members;
  private final AtomicInteger next = new AtomicInteger();

  public UpstreamGroup(String name, Strategy strategy, List<Upstream> members) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("group " + name + " has no upstreams");
    }
    this.name = name;
    this.strategy = strategy;
    this.members = List.copyOf(members);
  }

  public String name() {
    return name;
  }

  public Strategy strategy() {
    return strategy;
  }

  public List<Upstream> members() {
    return members;
  }

  /** Whether a member other than {@code u} is in rotation. */
  public boolean otherInRotation(Upstream u) {
    for (Upstream m : members) {
      if (m != u && m.breaker().inRotation()) {
        return true;
      }
    }
    return false;
  }

  /** The largest batch every member accepts. */
  public int maxBatchSize() {
    int size = Integer.MAX_VALUE;
    for (Upstream u : members) {
      size = Math.min(size, u.settings().maxBatchSize());
    }
    return size;
  }

  /** Every member once, in the order this request should try them. */
  public List<Upstream> order() {
    int first =
        switch (strategy) {
          case FAILOVER -> 0;
          case ROUND_ROBIN -> Math.floorMod(next.getAndIncrement(), members.size());
          case WEIGHTED -> weightedPick();
        };
    if (first == 0) {
      return members;
    }
    List<Upstream> order = new ArrayList<>(members.size());
    for (int i = 0; i < members.size(); i++) {
      order.add(members.get((first + i) % members.size()));
    }
    return order;
  }

  private int weightedPick() {
    int total = 0;
    for (Upstream u : members) {
      total += u.settings().weight();
    }
    if (total == 0) {
      return 0;
    }
    int ticket = ThreadLocalRandom.current().nextInt(total);
    for (int i = 0; i < members.size(); i++) {
      ticket -= members.get(i).settings().weight();
      if (ticket < 0) {
        return i;
      }
    }
    return 0;
  }
}
