package dev.rpcshield.ops;

import dev.rpcshield.config.Current;
import dev.rpcshield.upstream.CircuitBreaker;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.NetworksConfig;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.Upstreams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Whether any upstream can serve: in rotation (so on its network's chain, when the network names
 * one) and answering its head polls (an idle gateway sends no requests that would take a dead
 * upstream out of rotation). Each upstream's state is in the detail, {@code serving} says whether
 * any can serve, and with several networks each network's is there too. Readiness stays UP when
 * none can, unless {@code rpcshield.health.require-upstreams} is set: clients then get the
 * gateway's own JSON -32011 rather than an ingress's page, and an outage every instance shares is
 * not one that removing them from the Service fixes.
 */
@Readiness
@ApplicationScoped
public class UpstreamReadinessCheck implements HealthCheck {
  @Inject Upstreams upstreams;
  @Inject Current<NetworksConfig> config;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("upstreams");
    boolean any = false;
    boolean several = upstreams.networks().size() > 1;
    for (Network n : upstreams.networks()) {
      boolean serving = false;
      for (Upstream u : n.upstreams()) {
        boolean answering = u.head().answering();
        serving |= u.breaker().inRotation() && answering;
        b.withData(u.name(), state(u, answering));
      }
      if (several) {
        b.withData("network " + n.name(), serving ? "UP" : "DOWN");
      }
      any |= serving;
    }
    b.withData("serving", any);
    return b.status(any || !config.get().readyRequiresUpstreams()).build();
  }

  private static String state(Upstream u, boolean answering) {
    return u.breaker().shownState()
        + (u.breaker().chain() == CircuitBreaker.Chain.WRONG_CHAIN
            ? ",chain=" + u.seenChainId() + ",expected=" + u.chainId()
            : "")
        + (u.head().lagging() ? ",LAGGING" : "")
        + (answering ? "" : ",NOT_ANSWERING")
        + ",head="
        + u.head().latest();
  }
}
