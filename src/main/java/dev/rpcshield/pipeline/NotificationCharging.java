package dev.rpcshield.pipeline;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.config.Current;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.limit.LimitsConfig;
import dev.rpcshield.telemetry.RequestMetrics;
import dev.rpcshield.upstream.NotificationMeter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Charges a delivered subscription notification by its size, as providers do: {@code
 * rpcshield.cu.notification-per-byte} compute units per byte count toward the caller's monthly
 * quota and the metrics, but a notification is never refused.
 */
@ApplicationScoped
public class NotificationCharging implements NotificationMeter {
  @Inject Accounts accounts;
  @Inject RequestMetrics metrics;
  @Inject Current<LimitsConfig> config;

  @Override
  public void delivered(Caller caller, String network, int bytes) {
    long units = (long) Math.ceil(bytes * config.get().notificationCuPerByte());
    metrics.computeUnits("notification", network, units);
    if (caller.account() != null && units > 0) {
      accounts.usage().metered(caller.account().accountId(), network, units);
    }
  }
}
