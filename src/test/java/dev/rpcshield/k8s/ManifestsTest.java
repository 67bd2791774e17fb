package dev.rpcshield.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every manifest in {@code k8s/} read into the typed Kubernetes model (fabric8), with any field the
 * model does not know reported as an error, and the references between them checked: no cluster
 * needed.
 */
class ManifestsTest {
  private static final Path K8S = Path.of("k8s");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
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

  private static Map<String, HasMetadata> base() throws IOException {
    Map<String, HasMetadata> objects = new HashMap<>();
    for (JsonNode kustomized : documents(K8S.resolve("base/kustomization.yaml"))) {
      for (JsonNode r : kustomized.get("resources")) {
        Path file = K8S.resolve("base").resolve(r.asText());
        assertTrue(Files.exists(file), "kustomization names a missing file: " + file);
        for (JsonNode doc : documents(file)) {
          HasMetadata o = typed(file, doc);
          objects.put(o.getKind() + "/" + o.getMetadata().getName(), o);
        }
      }
    }
    return objects;
  }

  private static HasMetadata typed(Path file, JsonNode doc) throws IOException {
    String kind = doc.path("kind").asText();
    Class<? extends HasMetadata> type = KINDS.get(kind);
    assertNotNull(type, file + ": unexpected kind " + kind);
    HasMetadata o = YAML.treeToValue(doc, type);
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
    if (!o.getClass().getName().startsWith("io.fabric8")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
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
    Map<String, HasMetadata> all = base();
    Deployment d = (Deployment) all.get("Deployment/rpcshield");
    assertEquals(
        d.getSpec().getSelector().getMatchLabels(),
        d.getSpec().getTemplate().getMetadata().getLabels());
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals("/health/ready", c.getReadinessProbe().getHttpGet().getPath());
    assertEquals("/health/live", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/health/started", c.getStartupProbe().getHttpGet().getPath());
    assertEquals("true", d.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/scrape"));
    c.getEnvFrom()
        .forEach(
            e -> {
              if (e.getConfigMapRef() != null) {
                assertNotNull(all.get("ConfigMap/" + e.getConfigMapRef().getName()));
              }
              if (e.getSecretRef() != null) {
                assertNotNull(all.get("Secret/" + e.getSecretRef().getName()));
              }
            });
    Service s = (Service) all.get("Service/rpcshield");
    assertEquals(d.getSpec().getSelector().getMatchLabels(), s.getSpec().getSelector());
    String target = s.getSpec().getPorts().get(0).getTargetPort().getStrVal();
    assertTrue(c.getPorts().stream().anyMatch(p -> p.getName().equals(target)));
    HorizontalPodAutoscaler hpa = (HorizontalPodAutoscaler) all.get("HorizontalPodAutoscaler/rpcshield");
    assertEquals("rpcshield", hpa.getSpec().getScaleTargetRef().getName());
    assertNotNull(all.get("PodDisruptionBudget/rpcshield"));
  }

  @Test
  void configUsesTheContractsKeysAndSecretsStayInTheSecret() throws IOException {
    Map<String, HasMetadata> all = base();
    ConfigMap config = (ConfigMap) all.get("ConfigMap/rpcshield-config");
    for (String key : config.getData().keySet()) {
      assertTrue(key.startsWith("RPCSHIELD_") || key.equals("HTTP_PORT"), key);
      assertFalse(key.contains("PASSWORD") || key.contains("TOKEN"), key + " belongs in the Secret");
    }
    Secret secret = (Secret) all.get("Secret/rpcshield-secrets");
    assertTrue(secret.getStringData().containsKey("RPCSHIELD_ADMIN_TOKEN"));
    String proxies = config.getData().get("RPCSHIELD_TRUSTED_PROXIES");
    for (String wide : Set.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "0.0.0.0/0")) {
      assertFalse(proxies.contains(wide), "trust the ingress, not a whole private range");
    }
  }
}
