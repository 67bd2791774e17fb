package dev.rpcshield.ops;

import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.Upstreams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready while at least one upstream is in rotation; each upstream's state is in the detail. */
@Readiness
@ApplicationScoped
public class UpstreamReadinessCheck implements HealthCheck {
  @Inject Upstreams upstreams;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("upstreams");
    boolean any = false;
    for (Upstream u : upstreams.all()) {
      boolean in = u.breaker().inRotation();
      any |= in;
      String state =
          (u.breaker().shownState())
              + (u.head().lagging() ? ",LAGGING" : "")
              + ",head="
              + u.head().latest();
      b.withData(u.name(), state);
    }
    return b.status(any).build();
  }
}
