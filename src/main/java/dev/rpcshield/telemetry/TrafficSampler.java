package dev.rpcshield.telemetry;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads this instance's running totals every {@link #INTERVAL} into a {@link TrafficHistory} of the
 * last {@link #WINDOW}, for the console's charts ({@code GET /admin/api/traffic}). Reads only
 * counters the requests already keep, so it costs a call nothing.
 */
@ApplicationScoped
public class TrafficSampler {
  private static final Logger LOG = Logger.getLogger(TrafficSampler.class.getName());
  static final Duration INTERVAL = Duration.ofSeconds(5);
  static final Duration WINDOW = Duration.ofMinutes(30);

  @Inject RequestMetrics requests;
  @Inject CacheMetrics cache;
  @Inject Clock clock;

  private final TrafficHistory history =
      new TrafficHistory(INTERVAL, (int) (WINDOW.toSeconds() / INTERVAL.toSeconds()));
  private ScheduledExecutorService sampler;
  private Supplier<List<TrafficHistory.UpstreamTotals>> upstreams = List::of;

  /**
   * Takes the first sample and schedules the others; called once at application start with what
   * reads every upstream's attempt totals.
   */
  public void start(Supplier<List<TrafficHistory.UpstreamTotals>> upstreamTotals) {
    this.upstreams = upstreamTotals;
    sample();
    sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("rpcshield-traffic").unstarted(r));
    long every = INTERVAL.toMillis();
    sampler.scheduleWithFixedDelay(this::sample, every, every, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() {
    if (sampler != null) {
      sampler.shutdownNow();
    }
  }

  public TrafficHistory.Series series() {
    return history.series();
  }

  /** One sample; a failure is logged and the next sample tries again. */
  private void sample() {
    try {
      long[] calls = requests.callsAndFailures();
      long[] hm = cache.hitsAndMisses();
      history.add(
          clock.instant(),
          new TrafficHistory.Totals(
              calls[0], calls[1], hm[0], hm[1], requests.refusalsByClass(), upstreams.get()));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot sample the traffic for the console", e);
    }
  }
}
