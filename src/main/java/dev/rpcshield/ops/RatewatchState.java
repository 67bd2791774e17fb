package dev.rpcshield.ops;

import dev.rpcshield.ratewatch.Ratewatch;

final class RatewatchState implements RatewatchStateMXBean {
  private final Ratewatch ratewatch;

  RatewatchState(Ratewatch ratewatch) {
    this.ratewatch = ratewatch;
  }

  @Override
  public long getRefusals() {
    return ratewatch.refusals();
  }

  @Override
  public long getFlagsRaised() {
    return ratewatch.flagsRaised();
  }

  @Override
  public boolean isClusterWide() {
    return ratewatch.clusterWide();
  }

  @Override
  public int getLocalSeries() {
    return ratewatch.localSeries();
  }

  @Override
  public long getSyncFailures() {
    return ratewatch.syncFailures();
  }
}
