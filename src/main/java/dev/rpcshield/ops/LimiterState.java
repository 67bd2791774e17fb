package dev.rpcshield.ops;

import dev.rpcshield.limit.FailOpenLimiterStore;
import dev.rpcshield.limit.Limits;

final class LimiterState implements LimiterStateMXBean {
  private final Limits limits;

  LimiterState(Limits limits) {
    this.limits = limits;
  }

  @Override
  public String getMode() {
    FailOpenLimiterStore shared = limits.sharedStore();
    if (shared == null) {
      return "memory";
    }
    return shared.mode() == FailOpenLimiterStore.Mode.SHARED ? "redis" : "local-fallback";
  }

  @Override
  public long getRedisFallbacks() {
    return limits.sharedStore() == null ? 0 : limits.sharedStore().fallbacks();
  }

  @Override
  public String getLastRedisError() {
    return limits.sharedStore() == null ? "" : limits.sharedStore().lastError();
  }

  @Override
  public int getLocalKeys() {
    return limits.localKeys();
  }
}
