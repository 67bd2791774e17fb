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
 * Ready while known keys can be admitted: the account database answers, or the key cache holds keys
 * it admits without it (the database's state is in the detail, and alone never fails readiness
 * while cached keys are served). Redis's state is in the detail and never fails readiness: the
 * gateway limits on local state meanwhile.
 */
@Readiness
@ApplicationScoped
public class StoresReadinessCheck implements HealthCheck {
  @Inject Accounts accounts;
  @Inject Limits limits;

  @Override
  public HealthCheckResponse call() {
    boolean db = accounts.reachable();
    int cached = accounts.directory().admittedKeys();
    HealthCheckResponseBuilder b =
        HealthCheckResponse.named("stores")
            .withData("database", db ? "UP" : "DOWN")
            .withData("cachedKeys", cached);
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
    return b.status(db || cached > 0).build();
  }
}
