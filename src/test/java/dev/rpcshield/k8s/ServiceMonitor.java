package dev.rpcshield.k8s;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;

/**
 * The Prometheus Operator's {@code ServiceMonitor} ({@code monitoring.coreos.com/v1}) as far as
 * {@code k8s} uses it, field names as in the operator's {@code ServiceMonitorSpec} and {@code
 * Endpoint}. Read with unknown properties failing, as {@link OpenLibertyApplication} is.
 */
record ServiceMonitor(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

  record Spec(LabelSelector selector, List<Endpoint> endpoints) {}

  /** One scraped port of the selected Services, by its name. */
  record Endpoint(String port, String path, String interval) {}
}
