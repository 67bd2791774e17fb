package dev.rpcshield.upstream;

import dev.rpcshield.jsonrpc.UpstreamReply;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The watcher's checks of every upstream, on its own threads: probes of those out of service,
 * stalls, and chain ids (before an upstream takes traffic, periodically, and at once when a broken
 * connection puts its chain in doubt).
 */
final class UpstreamWatcher {
  private static final Logger LOG = Logger.getLogger(UpstreamWatcher.class.getName());
  private static final byte[] PROBE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}"
          .getBytes(StandardCharsets.US_ASCII);

  /** A probe answered within this is never slow, however fast the upstream usually is. */
  private static final Duration SLOW_PROBE_FLOOR = Duration.ofMillis(50);

  private final HttpUpstreamTransport transport;
  private final Clock clock;
  private final ExecutorService checks;
  private final Supplier<List<Upstream>> all;

  UpstreamWatcher(
      HttpUpstreamTransport transport,
      Clock clock,
      ExecutorService checks,
      Supplier<List<Upstream>> all) {
    this.transport = transport;
    this.clock = clock;
    this.checks = checks;
    this.all = all;
  }

  /**
   * Takes out of rotation an upstream that requests have waited on for {@code silence} while it
   * answered nothing at all, neither calls nor head polls: it has stalled, and a breaker that
   * counts failures would only see them when its timeouts expire.
   */
  void takeOutSilent(Network network, Duration silence) {
    for (Upstream u : network.upstreams()) {
      if (u.stalled(silence)) {
        u.breaker().trip("unresponsive: no answer for " + u.silentFor().toMillis() + " ms");
      }
    }
  }

  /** Sends probes to upstreams whose out-of-service interval has passed. */
  void probe(Network network) {
    for (Upstream u : network.upstreams()) {
      if (u.breaker().probeDue()) {
        checks.execute(() -> probe(network, u));
      }
    }
  }

  /**
   * An upstream back from out-of-service answers eth_chainId: its chain is checked again before its
   * breaker closes, so one that came back on another chain never serves. While its groups can be
   * served without it, it must also answer about as fast as it usually does: one that is merely
   * slow now answers its probe too, and would only come back to be hedged around and taken out
   * again. A slow answer is asked again at once, as the first may have paid for a new connection.
   */
  private void probe(Network network, Upstream u) {
    long seen = -1;
    long took = 0;
    try {
      for (int asked = 0; asked < 2; asked++) {
        long started = clock.millis();
        seen = askChainId(u);
        took = clock.millis() - started;
        if (seen < 0 || !tooSlow(network, u, took)) {
          break;
        }
      }
    } catch (Exception e) {
      u.breaker().onFailure("probe failed");
      LOG.log(Level.FINE, "probe of " + u.name() + " failed", e);
      return;
    }
    if (seen < 0) {
      u.breaker().onFailure("probe answered with an error");
      return;
    }
    u.head().pollAnswered(true);
    u.chainSeen(seen);
    if (tooSlow(network, u, took)) {
      u.breaker()
          .onFailure(
              "slow: its probe took "
                  + took
                  + " ms, its answers usually "
                  + Math.round(u.baselineMillis())
                  + " ms");
      return;
    }
    u.breaker().probeSucceeded();
  }

  /** A probe that took {@code took} keeps {@code u} out: it is slow, and others can serve. */
  private static boolean tooSlow(Network network, Upstream u, long took) {
    return !u.usualSpeed(took, SLOW_PROBE_FLOOR) && network.servedWithout(u);
  }

  /**
   * Asks every upstream of a network with a chain id for its chain: the first check before it takes
   * traffic, and the periodic one that catches a URL now pointing elsewhere or brings a fixed one
   * back.
   */
  void checkChains() {
    FanOut.each(
        all.get().stream().filter(u -> u.chainId() != 0 && !u.breaker().held()).toList(),
        this::checkChain,
        checks);
  }

  /**
   * When a broken connection puts {@code u}'s chain in doubt, its chain is asked at once on the
   * watcher's threads, so it is back within a round trip when it is still on its network's.
   */
  void recheckWhenDoubted(Upstream u) {
    u.onChainDoubted(() -> {
      try {
        checks.execute(() -> checkChain(u));
      } catch (RejectedExecutionException e) {
        LOG.log(Level.FINE, "no chain check of " + u.name() + ": stopping", e);
      }
    });
  }

  void checkChain(Upstream u) {
    try {
      long seen = askChainId(u);
      if (seen >= 0) {
        u.chainSeen(seen);
      }
    } catch (Exception e) {
      LOG.log(Level.FINE, "chain check of " + u.name() + " failed", e);
    }
  }

  /** The upstream's eth_chainId, or -1 when it answered with an error or not a number. */
  private long askChainId(Upstream u) throws Exception {
    return chainIdOf(UpstreamReply.read(u.ask(transport, PROBE)));
  }

  /** The chain id in an eth_chainId answer, -1 when it is an error or not a quantity. */
  static long chainIdOf(UpstreamReply reply) {
    if (reply.isArray() || reply.answers().get(0).isError()) {
      return -1;
    }
    String result = reply.resultJson(reply.answers().get(0));
    if (result == null || result.length() < 4 || !result.startsWith("\"0x")) {
      return -1;
    }
    try {
      return Long.parseLong(result.substring(3, result.length() - 1), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
