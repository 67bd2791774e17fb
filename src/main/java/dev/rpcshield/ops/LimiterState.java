package dev.rpcshield.ops;

import dev.rpcshield.limit.Limits;
import dev.rpcshield.limit.SharedRedis;

final class LimiterState implements LimiterStateMXBean {
  private final Limits limits;

  LimiterState(Limits limits) {
    this.limits = limits;
  }

  @Override
  public String getMode() {
    SharedRedis shared = limits.shared();
    if (shared == null) {
      return "memory";
    }
    return shared.mode() == SharedRedis.Mode.SHARED ? "redis" : "local-fallback";
  }

  @Override
  public long getRedisFallbacks() {
    return limits.shared() == null ? 0 : limits.shared().fallbacks();
  }

  @Override
  public String getLastRedisError() {
    return limits.shared() == null ? "" : limits.shared().lastError();
  }

  @Override
  public int getLocalKeys() {
    return limits.localKeys();
  }
}
