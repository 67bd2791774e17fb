package dev.rpcshield.ops;

import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.Upstreams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while at least one upstream can serve: in rotation and answering its head polls (an idle
 * gateway sends no requests that would take a dead upstream out of rotation). Each upstream's state
 * is in the detail.
 */
@Readiness
@ApplicationScoped
public class UpstreamReadinessCheck implements HealthCheck {
  @Inject Upstreams upstreams;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("upstreams");
    boolean any = false;
    for (Upstream u : upstreams.all()) {
      boolean answering = u.head().answering();
      any |= u.breaker().inRotation() && answering;
      String state =
          (u.breaker().shownState())
              + (u.head().lagging() ? ",LAGGING" : "")
              + (answering ? "" : ",NOT_ANSWERING")
              + ",head="
              + u.head().latest();
      b.withData(u.name(), state);
    }
    return b.status(any).build();
  }
}
