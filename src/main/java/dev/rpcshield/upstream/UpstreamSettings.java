package dev.rpcshield.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * How to reach one upstream and how hard it may be used.
 *
 * @param name letters and digits, used in config keys, metrics and error reasons (never the URL)
 * @param url HTTP(S) endpoint, without user info (credentials move to {@code headers})
 * @param timeout per attempt, until the whole answer has arrived (default 10 s)
 * @param retries extra attempts on this upstream after a transient failure (default 1)
 * @param weight share of traffic in a weighted group (default 1)
 * @param maxRps requests per second sent to it, 0 for no cap (default 0)
 * @param maxInFlight concurrent requests to it, 0 for no cap (default 256)
 * @param headers extra request headers (API tokens, basic auth)
 * @param forwardClientIp whether to send the caller's IP as {@code X-Forwarded-For} (default false)
 * @param maxBatchSize most requests in one upstream batch; larger batches are split (default 50)
 * @param callsOverWebSocket whether single calls go over the WebSocket upstream of the same name,
 *     when the network has one (default false)
 * @param stateBlocks the recent blocks whose state it keeps; 0 for an archive, or when not said
 *     (default 0)
 * @param stateRecheck how long its answer that it lacks a block's state is believed before a state
 *     call below that is tried on it again (default 10 min)
 */
public record UpstreamSettings(
    String name,
    URI url,
    Duration timeout,
    int retries,
    int weight,
    double maxRps,
    int maxInFlight,
    Map<String, String> headers,
    boolean forwardClientIp,
    int maxBatchSize,
    boolean callsOverWebSocket,
    long stateBlocks,
    Duration stateRecheck) {

  /** How long a pruned-state answer is believed by default. */
  public static final Duration STATE_RECHECK = Duration.ofMinutes(10);

  public UpstreamSettings {
    if (name == null || !name.matches("[A-Za-z0-9]+")) {
      throw new IllegalArgumentException(
          "upstream name '" + name + "' must be letters and digits only");
    }
    if (url == null || url.getScheme() == null || !url.getScheme().matches("https?")) {
      throw new IllegalArgumentException("upstream " + name + ": URL must be http:// or https://");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("upstream " + name + ": timeout must be positive");
    }
    if (retries < 0
        || weight < 0
        || maxRps < 0
        || maxInFlight < 0
        || maxBatchSize < 1
        || stateBlocks < 0
        || stateRecheck.isNegative()) {
      throw new IllegalArgumentException("upstream " + name + ": negative limit");
    }
    headers = Map.copyOf(headers);
  }

  /** Settings with the documented defaults. */
  public static UpstreamSettings of(String name, URI url) {
    return new UpstreamSettings(
        name,
        url,
        Duration.ofSeconds(10),
        1,
        1,
        0,
        256,
        Map.of(),
        false,
        50,
        false,
        0,
        STATE_RECHECK);
  }
}
