package dev.rpcshield.ops;

import dev.rpcshield.config.ConfigStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The configuration in effect, as readiness detail: its version, the last change and what became of
 * it. Always UP: a refused change leaves the running configuration serving.
 */
@Readiness
@ApplicationScoped
public class ConfigHealthCheck implements HealthCheck {
  @Inject ConfigStatus status;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b =
        HealthCheckResponse.named("configuration")
            .up()
            .withData("version", status.version())
            .withData("appliedAt", status.appliedAt().toString());
    ConfigStatus.Reload last = status.lastReload();
    if (last != null) {
      b.withData("lastReload", last.summary());
    }
    if (!status.needsRestart().isEmpty()) {
      b.withData("needsRestart", String.join(", ", status.needsRestart()));
    }
    return b.build();
  }
}
