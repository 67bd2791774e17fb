package dev.rpcshield.ops;

import dev.rpcshield.upstream.Upstream;
import java.util.logging.Logger;

/** The JMX face of one {@link Upstream}. */
public final class UpstreamControl implements UpstreamControlMXBean {
  private static final Logger LOG = Logger.getLogger(UpstreamControl.class.getName());
  private final Upstream upstream;
  private final String network;

  public UpstreamControl(Upstream upstream, String network) {
    this.upstream = upstream;
    this.network = network;
  }

  @Override
  public String getState() {
    return upstream.breaker().state().name();
  }

  @Override
  public String getNetwork() {
    return network;
  }

  @Override
  public String getChain() {
    return upstream.breaker().chain().name();
  }

  @Override
  public long getChainId() {
    return upstream.chainId();
  }

  @Override
  public long getSeenChainId() {
    return upstream.seenChainId();
  }

  @Override
  public boolean isInRotation() {
    return upstream.breaker().inRotation();
  }

  @Override
  public boolean isHeldByOperator() {
    return upstream.breaker().held();
  }

  @Override
  public long getHead() {
    return upstream.head().latest();
  }

  @Override
  public boolean isLagging() {
    return upstream.head().lagging();
  }

  @Override
  public long getRequests() {
    return upstream.requests();
  }

  @Override
  public long getFailures() {
    return upstream.failures();
  }

  @Override
  public long getHedges() {
    return upstream.hedges();
  }

  @Override
  public long getDisagreements() {
    return upstream.disagreements();
  }

  @Override
  public long getStateFrom() {
    return upstream.stateFrom();
  }

  @Override
  public double getLatencyMillis() {
    return upstream.latencyMillis();
  }

  @Override
  public String getLastFailure() {
    return upstream.breaker().lastFailure();
  }

  @Override
  public void takeOutOfRotation() {
    upstream.breaker().hold();
    LOG.info(() -> "upstream " + upstream.name() + " taken out of rotation through JMX");
  }

  @Override
  public void putBackInRotation() {
    upstream.breaker().release();
    LOG.info(() -> "upstream " + upstream.name() + " put back in rotation through JMX");
  }
}
