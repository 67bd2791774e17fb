package dev.rpcshield.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.eclipse.microprofile.metrics.Metadata;
import org.junit.jupiter.api.Test;

class MetricNamesTest {
  @Test
  void everyMetricNameHasAHelpText() throws Exception {
    int names = 0;
    for (Field f : MetricNames.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        String name = (String) f.get(null);
        Metadata m = MetricNames.metadata(name);
        assertEquals(name, m.getName());
        assertFalse(m.getDescription().isBlank(), name);
        names++;
      }
    }
    assertEquals(41, names, "metric names: add the new one's HELP text and count it here");
  }

  @Test
  void aNameWithoutHelpIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> MetricNames.metadata("rpcshield.unknown"));
  }
}
