package dev.rpcshield.telemetry;

import dev.rpcshield.config.DirectBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The response cache's counters, by network and method. Bounded: only cacheable methods (a fixed
 * set) and configured networks appear.
 */
@ApplicationScoped
public class CacheMetrics extends DirectBean {
  @Inject MetricRegistry registry;

  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public void hit(String network, String method) {
    counter(MetricNames.CACHE_HITS, network, method).inc();
  }

  public void miss(String network, String method) {
    counter(MetricNames.CACHE_MISSES, network, method).inc();
  }

  public void stored(String network, String method, int bytes) {
    counter(MetricNames.CACHE_BYTES, network, method).inc(bytes);
  }

  public void evicted(String network, String method) {
    counter(MetricNames.CACHE_EVICTIONS, network, method).inc();
  }

  public void storeError(String network, String method) {
    counter(MetricNames.CACHE_ERRORS, network, method).inc();
  }

  /** Hits and misses since start, over every network and method, for the console's ratio. */
  public long[] hitsAndMisses() {
    long hits = 0;
    long misses = 0;
    for (Map.Entry<String, Counter> e : counters.entrySet()) {
      if (e.getKey().startsWith(MetricNames.CACHE_HITS + '\u0000')) {
        hits += e.getValue().getCount();
      } else if (e.getKey().startsWith(MetricNames.CACHE_MISSES + '\u0000')) {
        misses += e.getValue().getCount();
      }
    }
    return new long[] {hits, misses};
  }

  private Counter counter(String name, String network, String method) {
    return counters.computeIfAbsent(
        name + '\u0000' + network + '\u0000' + method,
        k ->
            registry.counter(
                MetricNames.metadata(name),
                new Tag("network", network),
                new Tag("method", method)));
  }
}
