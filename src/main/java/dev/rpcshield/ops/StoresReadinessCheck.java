package dev.rpcshield.ops;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.limit.Limits;
import dev.rpcshield.limit.SharedRedis;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the account database answers. Redis trouble is reported in the detail but never fails
 * readiness: the gateway limits on local state meanwhile.
 */
@Readiness
@ApplicationScoped
public class StoresReadinessCheck implements HealthCheck {
  @Inject Accounts accounts;
  @Inject Limits limits;

  @Override
  public HealthCheckResponse call() {
    boolean db = accounts.reachable();
    HealthCheckResponseBuilder b =
        HealthCheckResponse.named("stores").withData("database", db ? "UP" : "DOWN");
    SharedRedis redis = limits.shared();
    if (redis == null) {
      b.withData("limiter", "local memory");
    } else {
      b.withData("limiter", redis.mode().name())
          .withData("limiterSince", redis.since().toString())
          .withData("limiterFallbacks", redis.fallbacks());
      if (!redis.lastError().isEmpty()) {
        b.withData("limiterLastError", redis.lastError());
      }
    }
    return b.status(db).build();
  }
}
