package dev.rpcshield.upstream;

import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.MapConfig;
import dev.rpcshield.upstream.chain.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Upstreams and networks for tests outside this package, and the package's own hooks on them (a
 * chain check answered, an answer seen) that those tests play the watcher's part with.
 */
public final class TestUpstreams {
  private TestUpstreams() {}

  /** An upstream of a network without a chain id; breaker: 3 failures, 10 s out. */
  public static Upstream upstream(
      String name, Clock clock, Duration timeout, int retries, int maxInFlight, int maxBatch) {
    return new Upstream(
        new UpstreamSettings(
            name,
            URI.create("http://127.0.0.1:1"),
            timeout,
            retries,
            1,
            0,
            maxInFlight,
            Map.of(),
            false,
            maxBatch,
            true,
            0,
            UpstreamSettings.STATE_RECHECK),
        new CircuitBreaker(clock, 3, Duration.ofSeconds(10)),
        clock);
  }

  /** An upstream with the default settings of a network on {@code chainId}, not yet seen on it. */
  public static Upstream onChain(String name, Clock clock, long chainId) {
    return new Upstream(
        UpstreamSettings.of(name, URI.create("http://127.0.0.1:1")),
        new CircuitBreaker(clock, 3, Duration.ofSeconds(10)),
        clock,
        chainId);
  }

  /** Its eth_chainId answered {@code seen}, as a chain check would record it. */
  public static void chainSeen(Upstream u, long seen) {
    u.chainSeen(seen);
  }

  /** It answered something (a head poll): it is not silent. */
  public static void answered(Upstream u) {
    u.answered();
  }

  /**
   * The first network of {@code settings} (rpcshield.* keys), on {@code clock} and {@code timer},
   * with an HTTP transport that makes no connection until asked to send.
   */
  public static Network network(Map<String, String> settings, Clock clock, Timer timer) {
    NetworkConfig config =
        NetworksConfig.read(new Settings(new MapConfig(settings))).networks().get(0);
    return new Network(
        config,
        new HttpUpstreamTransport(Duration.ofSeconds(1), 1 << 20),
        WEB_SOCKETS,
        clock,
        timer);
  }

  /** The client of every test network's upstream WebSocket connections, one for all of them. */
  static final HttpClient WEB_SOCKETS = HttpClient.newHttpClient();

  /** What a reload does to an upstream it takes out of its network. */
  public static void remove(Upstream u) {
    u.remove();
  }
}
