package dev.rpcshield.ops;

import dev.rpcshield.config.ConfigStatus;

final class ConfigurationState implements ConfigurationStateMXBean {
  private final ConfigStatus status;

  ConfigurationState(ConfigStatus status) {
    this.status = status;
  }

  @Override
  public long getVersion() {
    return status.version();
  }

  @Override
  public String getAppliedAt() {
    return status.appliedAt().toString();
  }

  @Override
  public String getLastReload() {
    return describe(status.lastReload());
  }

  @Override
  public String getNeedsRestart() {
    return String.join(", ", status.needsRestart());
  }

  @Override
  public String applyNow() {
    return describe(status.applyNow());
  }

  private static String describe(ConfigStatus.Reload r) {
    return r == null ? "" : r.summary();
  }
}
