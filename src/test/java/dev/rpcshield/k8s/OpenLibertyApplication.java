package dev.rpcshield.k8s;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Map;

/**
 * The part of the Open Liberty Operator's {@code OpenLibertyApplication} ({@code
 * apps.openliberty.io/v1}) that {@code k8s/operator} uses, field names as in the operator's {@code
 * api/v1/openlibertyapplication_types.go}. Read with unknown properties failing, so a field
 * misspelt, or one this model leaves out (such as {@code statefulSet}), is an error; the core
 * Kubernetes types inside are fabric8's, checked for unknown fields like the other manifests.
 */
record OpenLibertyApplication(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

  record Spec(
      String applicationImage,
      String pullPolicy,
      Boolean manageTLS,
      ServiceAccount serviceAccount,
      SecurityContext securityContext,
      NetworkPolicy networkPolicy,
      List<Volume> volumes,
      List<VolumeMount> volumeMounts,
      List<EnvVar> env,
      ResourceRequirements resources,
      Autoscaling autoscaling,
      Service service,
      Deployment deployment,
      Monitoring monitoring,
      Probes probes) {}

  record ServiceAccount(Boolean mountToken, String name) {}

  record NetworkPolicy(Boolean disable) {}

  record Autoscaling(
      Integer minReplicas, Integer maxReplicas, Integer targetCPUUtilizationPercentage) {}

  record Service(
      String type,
      Integer port,
      String portName,
      List<ServicePort> ports,
      Map<String, String> annotations) {}

  /** The ServiceMonitor the operator makes for the application's Service. */
  record Monitoring(Map<String, String> labels, List<ServiceMonitor.Endpoint> endpoints) {}

  record Deployment(Map<String, String> annotations) {}

  record Probes(Probe startup, Probe liveness, Probe readiness) {}
}
