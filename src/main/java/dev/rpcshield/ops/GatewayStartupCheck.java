package dev.rpcshield.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Startup;

/** Started once upstreams, metrics and JMX beans are set up; live while the application runs. */
@Startup
@Liveness
@ApplicationScoped
public class GatewayStartupCheck implements HealthCheck {
  @Inject OpsStartup startup;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("gateway").status(startup.started()).build();
  }
}
