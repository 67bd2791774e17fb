package dev.rpcshield.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The metric names the Grafana dashboard and the alert rules in {@code k8s/monitoring} use, and
 * which of them a running gateway's scrape does not have: a panel or an alert on a name the gateway
 * does not publish would stay empty, or never fire, without anyone noticing.
 */
final class MonitoringNames {
  private static final Path DIR = Path.of("k8s", "monitoring");
  private static final Pattern NAME = Pattern.compile("rpcshield_[a-z0-9_]+");

  private MonitoringNames() {}

  /** Every name used, a histogram's by its family ({@code _bucket}, {@code _count} left off). */
  static Set<String> used() {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.toList()) {
        Matcher m = NAME.matcher(Files.readString(f));
        while (m.find()) {
          names.add(m.group().replaceFirst("_(bucket|count|sum)$", ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  /** The names used that {@code which} selects and {@code scrape} has no sample of. */
  static List<String> missing(String scrape, Predicate<String> which) {
    List<String> out = new ArrayList<>();
    for (String name : used()) {
      if (which.test(name)
          && !Pattern.compile("(?m)^" + name + "(_bucket|_count|_sum)?\\{")
              .matcher(scrape)
              .find()) {
        out.add(name);
      }
    }
    return out;
  }
}
