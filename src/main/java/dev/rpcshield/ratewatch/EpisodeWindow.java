package dev.rpcshield.ratewatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Recent throttle episodes, bounded: at most {@code maxSeries} series (past that the least recently
 * throttled is evicted, so a client spraying keys cannot grow it), each kept {@code retention}
 * after its last refusal. Per instance.
 */
public final class EpisodeWindow {
  private final Clock clock;
  private final int maxSeries;
  private final Duration retention;
  private final LinkedHashMap<String, Episode> series = new LinkedHashMap<>(256, 0.75f, true);

  /**
   * @param maxSeries most series kept (default 200)
   * @param retention how long a series stays after its last refusal (default 1 h)
   */
  public EpisodeWindow(Clock clock, int maxSeries, Duration retention) {
    this.clock = clock;
    this.maxSeries = maxSeries;
    this.retention = retention;
  }

  public synchronized void record(String refusalClass, String key) {
    Instant now = clock.instant();
    String id = refusalClass + "|" + key;
    Episode e = series.get(id);
    series.put(
        id,
        e == null
            ? new Episode(refusalClass, key, 1, now, now)
            : new Episode(refusalClass, key, e.count() + 1, e.firstSeen(), now));
    if (series.size() > maxSeries) {
      Iterator<String> eldest = series.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }

  /** Live episodes, most recently throttled first. */
  public synchronized List<Episode> episodes() {
    Instant cutoff = clock.instant().minus(retention);
    series.values().removeIf(e -> e.lastSeen().isBefore(cutoff));
    List<Episode> out = new ArrayList<>(series.values());
    out.sort(Comparator.comparing(Episode::lastSeen).reversed());
    return out;
  }
}
