package dev.rpcshield.ws;

import static dev.rpcshield.config.Settings.require;

import dev.rpcshield.config.Settings;
import dev.rpcshield.net.OriginPolicy;
import java.time.Duration;
import java.util.List;

/**
 * Per-connection protections of the WebSocket endpoint.
 *
 * @param maxMessageBytes largest client message; larger closes the connection with 1009 (default:
 *     rpcshield.limits.max-body-bytes)
 * @param idleTimeout a connection with no message for this long is closed (default 10 min)
 * @param pingInterval keep-alive ping period (default 30 s)
 * @param maxInFlight requests one connection may have unanswered; more are refused (default 64)
 * @param maxQueued messages waiting to be written to a client; a client that lets more pile up is
 *     not reading and is disconnected (default 1024)
 * @param allowedOrigins the pages whose handshake is accepted ({@code
 *     rpcshield.ws.allowed-origins}: {@code *}, the default, {@code none}, or a list), matched as
 *     CORS and keys' allowlists match them; a handshake without {@code Origin}, not a browser
 *     page's, is not checked
 * @param anonymousConnections concurrent connections per client IP without a key, 0 for no cap
 *     (default 10); keyed callers get their tier's {@code ws-connections}
 * @param leaseTtl how long a connection slot outlives an instance that died holding it (default 60
 *     s; renewed every third of it while the connection is open)
 */
public record SocketSettings(
    int maxMessageBytes,
    Duration idleTimeout,
    Duration pingInterval,
    int maxInFlight,
    int maxQueued,
    OriginPolicy allowedOrigins,
    int anonymousConnections,
    Duration leaseTtl) {

  public static SocketSettings read(Settings s, int defaultMaxMessage) {
    Duration ping = s.duration("rpcshield.ws.ping-interval", Duration.ofSeconds(30));
    require(!ping.isZero(), "rpcshield.ws.ping-interval", ping, "a positive duration");
    Duration leaseTtl = s.duration("rpcshield.ws.lease-ttl", Duration.ofSeconds(60));
    require(!leaseTtl.isZero(), "rpcshield.ws.lease-ttl", leaseTtl, "a positive duration");
    return new SocketSettings(
        positive(s, "rpcshield.ws.max-message-bytes", defaultMaxMessage),
        s.duration("rpcshield.ws.idle-timeout", Duration.ofMinutes(10)),
        ping,
        positive(s, "rpcshield.ws.max-in-flight", 64),
        positive(s, "rpcshield.ws.max-queued-messages", 1024),
        origins(s),
        s.integer("rpcshield.ws.anonymous-connections", 10),
        leaseTtl);
  }

  private static OriginPolicy origins(Settings s) {
    String key = "rpcshield.ws.allowed-origins";
    return OriginPolicy.read(
        s.list(key, List.of("*")), bad -> Settings.invalid(key, bad, OriginPolicy.FORMS));
  }

  /** Whether a handshake from {@code origin} is accepted: any without one, as no page sent it. */
  public boolean originAllowed(String origin) {
    return origin == null || allowedOrigins.allows(origin);
  }

  private static int positive(Settings s, String key, int fallback) {
    int value = s.integer(key, fallback);
    require(value > 0, key, value, "a positive number");
    return value;
  }
}
