package dev.rpcshield.config;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What operators see of the configuration in effect and of the last change the gateway saw. */
public interface ConfigStatus {

  /** A change seen and what became of it. */
  record Reload(String outcome, Instant at, String detail) {
    /** One line for operators: outcome, time and detail. */
    public String summary() {
      return outcome + " at " + at + ": " + detail;
    }
  }

  /** The version in effect: 1 at start, one more per applied change. */
  long version();

  Instant appliedAt();

  /** The last change seen and what became of it, or null when none was seen since start. */
  Reload lastReload();

  /** Keys whose new value waits for a restart. */
  List<String> needsRestart();

  /** Every {@code rpcshield.*} value configured now, secrets masked. */
  Map<String, String> effective();

  /** Looks for a change now instead of at the next refresh; what became of it. */
  Reload applyNow();
}
