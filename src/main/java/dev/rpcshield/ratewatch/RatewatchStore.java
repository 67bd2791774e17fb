package dev.rpcshield.ratewatch;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where refusals are counted: this instance's memory ({@link LocalRatewatch}) or the cluster's
 * Redis ({@link SharedRatewatch}). Both keep at most a bounded number of series, each for a
 * retention after its last refusal, and count each account's refusals over the flag window.
 */
public interface RatewatchStore {

  /**
   * Adds refusal counts by series ({@code class|key}) and by account id; returns the accounts whose
   * count within the flag window crossed the threshold with this call (once while they stay above
   * it).
   */
  List<String> add(Map<String, Long> series, Map<String, Long> accounts);

  /** Live episodes, most recently throttled first. */
  List<Episode> episodes(Instant now);
}
