package dev.rpcshield.ratewatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** This instance's own ratewatch state: the bounded episode window and the flag counter. */
public final class LocalRatewatch implements RatewatchStore {
  private final EpisodeWindow window;
  private final FlagCounter flags;

  /**
   * @param maxSeries most series kept
   * @param retention how long a series stays after its last refusal
   * @param flag when an account is flagged, as configured now
   */
  public LocalRatewatch(Clock clock, int maxSeries, Duration retention, Supplier<FlagRule> flag) {
    this.window = new EpisodeWindow(clock, maxSeries, retention);
    this.flags = new FlagCounter(clock, flag);
  }

  @Override
  public List<String> add(Map<String, Long> series, Map<String, Long> accounts) {
    series.forEach((id, n) -> {
      int bar = id.indexOf('|');
      for (long i = 0; i < n; i++) {
        window.record(id.substring(0, bar), id.substring(bar + 1));
      }
    });
    List<String> fired = new ArrayList<>();
    accounts.forEach((account, n) -> {
      for (long i = 0; i < n; i++) {
        if (flags.refused(account) && !fired.contains(account)) {
          fired.add(account);
        }
      }
    });
    return fired;
  }

  @Override
  public List<Episode> episodes(Instant now) {
    return window.episodes();
  }
}
