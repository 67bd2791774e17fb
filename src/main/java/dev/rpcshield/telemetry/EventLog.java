package dev.rpcshield.telemetry;

import com.ibm.websphere.logging.hpel.LogRecordContext;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's structured events: one log record per refusal and per upstream state change on the
 * logger {@code dev.rpcshield.events}, with its fields as Liberty log-record extensions, so with
 * JSON logging each is one JSON line whose fields are {@code ext_event}, {@code ext_requestId},
 * {@code ext_identity}, {@code ext_method}, ... Never a key, never a header's address list.
 * Operators who do not want a line per refusal set {@code dev.rpcshield.events=warning}.
 */
public final class EventLog {
  private static final Logger LOG = Logger.getLogger("dev.rpcshield.events");

  private EventLog() {}

  /**
   * A refused call.
   *
   * @param refusalClass what refused it, as {@code rpcshield_refusals_total} counts it
   *     (docs/operations.md, "Refusals": key, secret, allowlist, rps, getlogs, ...)
   * @param identity the identity type: key or ip
   */
  public static void refusal(
      String requestId, String identity, String method, String refusalClass, String reason) {
    if (LOG.isLoggable(Level.INFO)) {
      log(
          Level.INFO,
          "refused " + method + " (" + refusalClass + "): " + reason,
          "event",
          "refusal",
          "requestId",
          requestId,
          "identity",
          identity,
          "method",
          method,
          "refusal",
          refusalClass);
    }
  }

  /**
   * An upstream went in or out of rotation (CLOSED, OPEN, HELD) or started or stopped lagging
   * behind the chain head (SYNCED, LAGGING).
   */
  public static void upstreamState(String upstream, String from, String to, String reason) {
    log(
        "CLOSED".equals(to) || "SYNCED".equals(to) ? Level.INFO : Level.WARNING,
        "upstream " + upstream + " " + from + " -> " + to + (reason.isEmpty() ? "" : ": " + reason),
        "event",
        "upstream-state",
        "upstream",
        upstream,
        "from",
        from,
        "to",
        to,
        "reason",
        reason);
  }

  /**
   * A configuration change was seen: applied (as version {@code version}), refused (the running one
   * stays) or needs a restart; {@code detail} names the keys, or the key and reason of a refusal.
   */
  public static void configReload(String outcome, long version, String detail) {
    log(
        "applied".equals(outcome) ? Level.INFO : Level.WARNING,
        "configuration "
            + outcome
            + (version > 0 ? " (version " + version + ")" : "")
            + ": "
            + detail,
        "event",
        "config-reload",
        "outcome",
        outcome,
        "version",
        String.valueOf(version),
        "detail",
        detail);
  }

  private static void log(Level level, String message, String... fields) {
    for (int i = 0; i < fields.length; i += 2) {
      LogRecordContext.addExtension(fields[i], fields[i + 1] == null ? "" : fields[i + 1]);
    }
    try {
      LOG.log(level, message);
    } finally {
      for (int i = 0; i < fields.length; i += 2) {
        LogRecordContext.removeExtension(fields[i]);
      }
    }
  }
}
