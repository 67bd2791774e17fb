package dev.rpcshield.k8s;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus Operator's {@code PrometheusRule} ({@code monitoring.coreos.com/v1}) as far as
 * {@code k8s/monitoring} uses it, field names as in the operator's {@code RuleGroup} and {@code
 * Rule}. Read with unknown properties failing, as {@link OpenLibertyApplication} is.
 */
record PrometheusRule(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

  record Spec(List<Group> groups) {}

  record Group(String name, String interval, List<Rule> rules) {}

  record Rule(
      String alert,
      String record,
      String expr,
      @JsonProperty("for") String duration,
      Map<String, String> labels,
      Map<String, String> annotations) {}
}
