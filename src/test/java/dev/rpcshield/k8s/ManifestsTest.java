package dev.rpcshield.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every manifest in {@code k8s/} read into the typed Kubernetes model (fabric8), with any field the
 * model does not know reported as an error, and the references between them checked: no cluster
 * needed. {@code k8s/operator} adds an {@code OpenLibertyApplication}, read into a model of the
 * operator's fields ({@link OpenLibertyApplication}) and checked against the plain Deployment;
 * {@code k8s/monitoring} a {@code PrometheusRule} ({@link PrometheusRule}), whose metric names the
 * integration tests check against a running gateway.
 */
class ManifestsTest {
  private static final Path K8S = Path.of("k8s");

  /** Where the gateway serves /metrics and /health (OPS_PORT). */
  private static final int OPS_PORT = 9545;

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "Deployment", Deployment.class,
          "StatefulSet", StatefulSet.class,
          "Service", Service.class,
          "ConfigMap", ConfigMap.class,
          "Secret", Secret.class,
          "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
          "PodDisruptionBudget", PodDisruptionBudget.class);

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (YAMLParser p = (YAMLParser) YAML.getFactory().createParser(file.toFile())) {
      for (JsonNode n : YAML.readValues(p, JsonNode.class).readAll()) {
        if (n != null && !n.isEmpty()) {
          out.add(n);
        }
      }
    }
    return out;
  }

  private static Map<String, Object> base() throws IOException {
    return kustomized(K8S.resolve("base"));
  }

  /**
   * The objects a kustomization directory yields, "Kind/name" to typed object: its resources
   * (files, or directories read the same way) less those its {@code $patch: delete} patches remove.
   * Enough of kustomize for these manifests: other patches are not applied.
   */
  private static Map<String, Object> kustomized(Path dir) throws IOException {
    Map<String, Object> objects = new HashMap<>();
    for (JsonNode kustomization : documents(dir.resolve("kustomization.yaml"))) {
      for (JsonNode r : kustomization.path("resources")) {
        Path res = dir.resolve(r.asText()).normalize();
        assertTrue(Files.exists(res), "kustomization names a missing resource: " + res);
        if (Files.isDirectory(res)) {
          objects.putAll(kustomized(res));
          continue;
        }
        for (JsonNode doc : documents(res)) {
          Object o = typed(res, doc);
          assertEquals(null, objects.put(key(doc), o), res + ": " + key(doc) + " defined twice");
        }
      }
      for (JsonNode patch : kustomization.path("patches")) {
        Path file = dir.resolve(patch.path("path").asText());
        assertTrue(Files.isRegularFile(file), "kustomization names a missing patch: " + file);
        for (JsonNode doc : documents(file)) {
          if (doc.path("$patch").asText().equals("delete")) {
            assertNotNull(
                objects.remove(key(doc)), file + " deletes what is not there: " + key(doc));
          }
        }
      }
    }
    return objects;
  }

  private static String key(JsonNode doc) {
    return doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
  }

  private static Object typed(Path file, JsonNode doc) throws IOException {
    String kind = doc.path("kind").asText();
    Object o;
    if (kind.equals("OpenLibertyApplication")) {
      o = YAML.treeToValue(doc, OpenLibertyApplication.class);
    } else if (kind.equals("ServiceMonitor")) {
      ServiceMonitor monitor = YAML.treeToValue(doc, ServiceMonitor.class);
      assertEquals("monitoring.coreos.com/v1", monitor.apiVersion(), file.toString());
      o = monitor;
    } else if (kind.equals("PrometheusRule")) {
      PrometheusRule rule = YAML.treeToValue(doc, PrometheusRule.class);
      assertEquals("monitoring.coreos.com/v1", rule.apiVersion(), file.toString());
      for (PrometheusRule.Group g : rule.spec().groups()) {
        for (PrometheusRule.Rule r : g.rules()) {
          assertTrue(
              (r.alert() == null) != (r.record() == null)
                  && r.expr() != null
                  && !r.expr().isBlank(),
              file + ": a rule is an alert or a record, with an expression: " + r);
        }
      }
      o = rule;
    } else {
      Class<? extends HasMetadata> type = KINDS.get(kind);
      assertNotNull(type, file + ": unexpected kind " + kind);
      o = YAML.treeToValue(doc, type);
    }
    List<String> unknown = new ArrayList<>();
    unknownFields(o, kind, unknown, new IdentityHashMap<>());
    assertTrue(unknown.isEmpty(), file + ": fields the Kubernetes model does not know: " + unknown);
    return o;
  }

  /** Walks the model and collects every field it did not recognise. */
  private static void unknownFields(
      Object o, String path, List<String> out, IdentityHashMap<Object, Boolean> seen) {
    if (o == null || seen.put(o, true) != null) {
      return;
    }
    if (o instanceof List<?> list) {
      for (Object item : list) {
        unknownFields(item, path + "[]", out, seen);
      }
      return;
    }
    if (o instanceof Record r) {
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        try {
          unknownFields(c.getAccessor().invoke(r), path + "." + c.getName(), out, seen);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || !m.getName().startsWith("get")
          || m.getName().equals("getClass")) {
        continue;
      }
      try {
        Object v = m.invoke(o);
        if (m.getName().equals("getAdditionalProperties")) {
          if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
            out.add(path + " " + extra.keySet());
          }
        } else {
          unknownFields(v, path + "." + m.getName().substring(3), out, seen);
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void everyManifestMatchesTheKubernetesModel() throws IOException {
    List<Path> files;
    try (Stream<Path> all = Files.walk(K8S)) {
      files = all.filter(p -> p.toString().endsWith(".yaml")).toList();
    }
    assertTrue(files.size() >= 10, "manifests found: " + files);
    for (Path f : files) {
      for (JsonNode doc : documents(f)) {
        if (doc.path("kind").asText().equals("Kustomization")) {
          continue;
        }
        ObjectNode copy = doc.deepCopy();
        copy.remove("$patch");
        typed(f, copy);
      }
    }
  }

  @Test
  void theGatewayIsWiredToItsConfigSecretsProbesAndService() throws IOException {
    Map<String, Object> all = base();
    Deployment d = (Deployment) all.get("Deployment/rpcshield");
    assertEquals(
        d.getSpec().getSelector().getMatchLabels(),
        d.getSpec().getTemplate().getMetadata().getLabels());
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals("/health/ready", c.getReadinessProbe().getHttpGet().getPath());
    assertEquals("/health/live", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/health/started", c.getStartupProbe().getHttpGet().getPath());
    assertEquals(
        "true",
        d.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/scrape"));
    assertEquals(List.of(), c.getEnvFrom(), "settings are files, not environment variables");
    assertEquals(
        List.of("/config/variables"),
        c.getVolumeMounts().stream().map(VolumeMount::getMountPath).toList(),
        "mounted where Liberty reads variables from files");
    assertEquals(
        List.of("ConfigMap/rpcshield-config", "Secret/rpcshield-secrets"),
        mounted(d.getSpec().getTemplate().getSpec().getVolumes(), c.getVolumeMounts()));
    mounted(d.getSpec().getTemplate().getSpec().getVolumes(), c.getVolumeMounts())
        .forEach(m -> assertNotNull(all.get(m), m));
    Service s = (Service) all.get("Service/rpcshield");
    assertEquals(d.getSpec().getSelector().getMatchLabels(), s.getSpec().getSelector());
    String target = s.getSpec().getPorts().get(0).getTargetPort().getStrVal();
    assertTrue(c.getPorts().stream().anyMatch(p -> p.getName().equals(target)));
    HorizontalPodAutoscaler hpa =
        (HorizontalPodAutoscaler) all.get("HorizontalPodAutoscaler/rpcshield");
    assertEquals("rpcshield", hpa.getSpec().getScaleTargetRef().getName());
    assertNotNull(all.get("PodDisruptionBudget/rpcshield"));
  }

  @Test
  void metricsAndHealthAreOnTheOpsPortWhichTheServiceMonitorScrapes() throws IOException {
    Map<String, Object> all = base();
    Deployment d = (Deployment) all.get("Deployment/rpcshield");
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertTrue(
        c.getEnv().stream()
            .anyMatch(e -> e.getName().equals("OPS_PORT") && e.getValue().equals("" + OPS_PORT)),
        "OPS_PORT set: " + c.getEnv());
    assertTrue(
        c.getPorts().stream()
            .anyMatch(p -> p.getName().equals("ops") && p.getContainerPort() == OPS_PORT));
    for (var probe : List.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe())) {
      assertEquals(OPS_PORT, probe.getHttpGet().getPort().getIntVal(), "probed on the ops port");
    }
    assertEquals(
        "" + OPS_PORT,
        d.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/port"));

    Service s = (Service) all.get("Service/rpcshield");
    ServicePort ops =
        s.getSpec().getPorts().stream()
            .filter(p -> p.getName().equals("ops"))
            .findFirst()
            .orElseThrow();
    assertEquals("ops", ops.getTargetPort().getStrVal());

    ServiceMonitor monitor =
        (ServiceMonitor)
            typed(
                K8S.resolve("monitoring/servicemonitor.yaml"),
                documents(K8S.resolve("monitoring/servicemonitor.yaml")).get(0));
    s.getMetadata()
        .getLabels()
        .forEach((k, v) ->
            assertEquals(v, monitor.spec().selector().getMatchLabels().get(k), "selects on " + k));
    assertEquals(
        s.getMetadata().getLabels().keySet(), monitor.spec().selector().getMatchLabels().keySet());
    assertEquals("ops", monitor.spec().endpoints().get(0).port());
    assertEquals("/metrics", monitor.spec().endpoints().get(0).path());
  }

  /**
   * The ConfigMaps and Secrets (as {@code Kind/name}) whose projected volume is mounted, in the
   * volume's order.
   */
  private static List<String> mounted(List<Volume> volumes, List<VolumeMount> mounts) {
    List<String> sources = new ArrayList<>();
    for (VolumeMount m : mounts) {
      for (Volume v : volumes) {
        if (v.getName().equals(m.getName()) && v.getProjected() != null) {
          for (VolumeProjection p : v.getProjected().getSources()) {
            if (p.getConfigMap() != null) {
              sources.add("ConfigMap/" + p.getConfigMap().getName());
            }
            if (p.getSecret() != null) {
              sources.add("Secret/" + p.getSecret().getName());
            }
          }
        }
      }
    }
    return sources;
  }

  @Test
  void configUsesTheContractsKeysAndSecretsStayInTheSecret() throws IOException {
    Map<String, Object> all = base();
    ConfigMap config = (ConfigMap) all.get("ConfigMap/rpcshield-config");
    for (String key : config.getData().keySet()) {
      assertTrue(key.startsWith("rpcshield."), key + " is a key of docs/configuration.md's table");
      assertFalse(
          key.contains("password") || key.contains("token"), key + " belongs in the Secret");
    }
    Secret secret = (Secret) all.get("Secret/rpcshield-secrets");
    assertTrue(secret.getStringData().containsKey("rpcshield.admin.token"));
    String proxies = config.getData().get("rpcshield.trusted-proxies");
    for (String wide : Set.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "0.0.0.0/0")) {
      assertFalse(proxies.contains(wide), "trust the ingress, not a whole private range");
    }
  }

  @Test
  void theOperatorVariantRunsTheSameGatewayAsTheDeployment() throws IOException {
    Map<String, Object> base = base();
    Map<String, Object> operator = kustomized(K8S.resolve("operator"));

    // The operator creates the gateway's Deployment, Service and HPA; everything else is the
    // base's.
    Set<String> expected = new HashSet<>(base.keySet());
    expected.removeAll(
        Set.of("Deployment/rpcshield", "Service/rpcshield", "HorizontalPodAutoscaler/rpcshield"));
    expected.add("OpenLibertyApplication/rpcshield");
    assertEquals(expected, operator.keySet());

    Deployment d = (Deployment) base.get("Deployment/rpcshield");
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    HorizontalPodAutoscaler hpa =
        (HorizontalPodAutoscaler) base.get("HorizontalPodAutoscaler/rpcshield");
    OpenLibertyApplication app =
        (OpenLibertyApplication) operator.get("OpenLibertyApplication/rpcshield");
    OpenLibertyApplication.Spec spec = app.spec();
    assertEquals("apps.openliberty.io/v1", app.apiVersion());

    assertEquals(c.getImage(), spec.applicationImage());
    assertEquals(Boolean.FALSE, spec.manageTLS(), "plain HTTP, as the Deployment serves");

    // Configuration: the same ConfigMap and Secret, mounted the same way, both in the variant, and
    // nothing overriding them (so the same rpcshield.trusted-proxies).
    assertEquals(d.getSpec().getTemplate().getSpec().getVolumes(), spec.volumes());
    assertEquals(c.getVolumeMounts(), spec.volumeMounts());
    assertEquals(
        List.of("ConfigMap/rpcshield-config", "Secret/rpcshield-secrets"),
        mounted(spec.volumes(), spec.volumeMounts()));
    assertTrue(operator.get("ConfigMap/rpcshield-config") instanceof ConfigMap);
    assertTrue(operator.get("Secret/rpcshield-secrets") instanceof Secret);
    assertEquals(c.getEnv(), spec.env());
    assertEquals(
        ((ConfigMap) base.get("ConfigMap/rpcshield-config"))
            .getData()
            .get("rpcshield.trusted-proxies"),
        ((ConfigMap) operator.get("ConfigMap/rpcshield-config"))
            .getData()
            .get("rpcshield.trusted-proxies"));
    assertTrue(spec.env().stream().noneMatch(e -> e.getName().equals("RPCSHIELD_TRUSTED_PROXIES")));

    // Probes: the three health endpoints, on the ops port, as on the Deployment.
    OpenLibertyApplication.Probes probes = spec.probes();
    assertEquals("/health/started", probes.startup().getHttpGet().getPath());
    assertEquals("/health/live", probes.liveness().getHttpGet().getPath());
    assertEquals("/health/ready", probes.readiness().getHttpGet().getPath());
    for (var probe : List.of(probes.startup(), probes.liveness(), probes.readiness())) {
      assertEquals(OPS_PORT, probe.getHttpGet().getPort().getIntVal());
    }
    assertEquals(c.getStartupProbe(), probes.startup());
    assertEquals(c.getLivenessProbe(), probes.liveness());
    assertEquals(c.getReadinessProbe(), probes.readiness());

    // Service: port 8545 under the Deployment's port name, the ops port beside it for the
    // operator's ServiceMonitor, with the Prometheus scrape annotations.
    assertEquals(8545, spec.service().port());
    ServicePort ops = spec.service().ports().get(0);
    assertEquals("ops", ops.getName());
    assertEquals(OPS_PORT, ops.getPort());
    assertEquals(OPS_PORT, ops.getTargetPort().getIntVal());
    ServiceMonitor.Endpoint scraped = spec.monitoring().endpoints().get(0);
    assertEquals(ops.getName(), scraped.port());
    assertEquals("/metrics", scraped.path());
    assertEquals(c.getPorts().get(0).getContainerPort(), spec.service().port());
    assertEquals(c.getPorts().get(0).getName(), spec.service().portName());
    Map<String, String> scrape = d.getSpec().getTemplate().getMetadata().getAnnotations();
    assertEquals("true", scrape.get("prometheus.io/scrape"));
    assertEquals(scrape, spec.service().annotations());
    assertEquals(scrape, spec.deployment().annotations());

    // Scaling and size: the HPA's bounds and target, the Deployment's requests and limits.
    assertEquals(hpa.getSpec().getMinReplicas(), spec.autoscaling().minReplicas());
    assertEquals(hpa.getSpec().getMaxReplicas(), spec.autoscaling().maxReplicas());
    assertEquals(
        hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization(),
        spec.autoscaling().targetCPUUtilizationPercentage());
    assertEquals(c.getResources(), spec.resources());
    assertNotNull(
        spec.resources().getRequests().get("cpu"), "the operator's HPA needs a CPU request");

    // The base's PodDisruptionBudget still finds the pods: the application's labels go onto them.
    PodDisruptionBudget pdb = (PodDisruptionBudget) operator.get("PodDisruptionBudget/rpcshield");
    Map<String, String> labels = Objects.requireNonNullElse(app.metadata().getLabels(), Map.of());
    pdb.getSpec()
        .getSelector()
        .getMatchLabels()
        .forEach((k, v) -> assertEquals(v, labels.get(k), "PodDisruptionBudget selects on " + k));
  }
}
