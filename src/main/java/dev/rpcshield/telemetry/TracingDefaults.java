package dev.rpcshield.telemetry;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * MicroProfile Telemetry's settings as the gateway wants them by default, for the application's own
 * OpenTelemetry SDK, at ordinal 10 (microprofile-config.properties, the environment and system
 * properties all win): traces on and exported over OTLP when the environment sets {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT} (or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}), off otherwise; no
 * metrics or logs over OTLP (the gateway's metrics are Prometheus'); the service named {@code
 * rpcshield}.
 */
public final class TracingDefaults implements ConfigSource {
  private final Map<String, String> values;

  public TracingDefaults() {
    this(System.getenv());
  }

  TracingDefaults(Map<String, String> env) {
    boolean endpoint =
        present(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"))
            || present(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
    values =
        Map.of(
            "otel.sdk.disabled", Boolean.toString(!endpoint),
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none",
            "otel.service.name", "rpcshield");
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  @Override
  public Set<String> getPropertyNames() {
    return values.keySet();
  }

  @Override
  public String getValue(String name) {
    return values.get(name);
  }

  @Override
  public String getName() {
    return "rpcshield-tracing-defaults";
  }

  @Override
  public int getOrdinal() {
    return 10;
  }
}
