package dev.rpcshield.http;

import dev.rpcshield.config.Current;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.config.Generation;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.pipeline.Admission;
import dev.rpcshield.pipeline.GatewayConfig;
import dev.rpcshield.pipeline.Refusals;
import dev.rpcshield.pipeline.Replies;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstreams;
import dev.rpcshield.ws.SocketSettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a JSON-RPC POST and a WebSocket upgrade enter, alike: the path, then the network (the
 * path's, else the host's, else the default), then what only one of them has (a POST's framing and
 * declared size, a handshake's {@code Origin}), then admission; it answers with the admitted caller
 * or with the refusal to render. Refusals are recorded here ({@link Refusals}); a path that is not
 * an endpoint, an unknown network or a malformed framing is no refusal, only an error. A request
 * takes the configuration generation in effect once, here, and reads CORS, trusted proxies, the
 * body cap and the handshake's origins from it, as the pipeline then does for everything else.
 */
@ApplicationScoped
public class Ingress extends DirectBean {
  /** The most characters of an unknown network's name an error repeats. */
  static final int SHOWN_NAME = 64;

  @Inject Upstreams upstreams;
  @Inject CallerResolver callers;
  @Inject Admission admission;
  @Inject Refusals refusals;
  @Inject Current<Generation> generations;

  /** Reaches its collaborators without their client proxies ({@link DirectBean}). */
  @PostConstruct
  void direct() {
    upstreams = DirectBean.of(upstreams);
    callers = DirectBean.of(callers);
    admission = DirectBean.of(admission);
    refusals = DirectBean.of(refusals);
  }

  /** What came of a request's entry; its headers go on every answer to it. */
  public sealed interface Entry permits Admitted, Refused {
    Map<String, String> headers();
  }

  /**
   * Admitted: serve it.
   *
   * @param maxBodyBytes the most a POST's body may hold, as its declared size was checked against
   * @param headers the CORS headers of a POST's answers; none for a handshake
   * @param generation the configuration the request is served under, taken when it entered
   */
  public record Admitted(
      Network network,
      Caller caller,
      int maxBodyBytes,
      Map<String, String> headers,
      Generation generation)
      implements Entry {}

  /** Refused or in error: answer with {@code status} and {@code body}, the error's, id null. */
  public record Refused(int status, RpcError error, byte[] body, Map<String, String> headers)
      implements Entry {}

  /** Takes a request in, or says how to turn it away. */
  public Entry enter(Arrival arrival) {
    Generation generation = generations.get();
    RpcPath path = RpcPath.of(arrival.path());
    if (path == null) {
      return refused(
          404,
          RpcError.of(
              RpcErrorCode.INVALID_REQUEST,
              arrival.upgrade()
                  ? "no WebSocket endpoint at this path"
                  : "no JSON-RPC endpoint at this path"),
          Map.of(),
          arrival.requestId());
    }
    Map<String, String> headers =
        arrival.upgrade()
            ? Map.of()
            : generation.get(CorsPolicy.class).answer(arrival.header("Origin"));
    Network network = network(path, arrival.host());
    if (network == null) {
      return refused(
          404,
          RpcError.of(
              RpcErrorCode.INVALID_REQUEST,
              "this gateway serves no network named '" + shown(path.network()) + "'"),
          headers,
          arrival.requestId());
    }
    GatewayConfig config = generation.get(GatewayConfig.class);
    Caller caller = callers.resolve(arrival, path.apiKey(), config.trustedProxies());
    int max = config.parseLimits().maxBodyBytes();
    if (!arrival.upgrade()) {
      RpcError framing = framing(arrival);
      if (framing != null) {
        return refused(400, framing, headers, arrival.requestId());
      }
      if (arrival.contentLength() > max) {
        return refuse(
            caller,
            Refusal.of(
                RpcError.of(RpcErrorCode.BODY_TOO_LARGE, "body exceeds " + max + " bytes"),
                "body-size"),
            headers,
            arrival.requestId());
      }
    } else if (!generation.get(SocketSettings.class).originAllowed(arrival.header("Origin"))) {
      return refuse(
          caller,
          Refusal.of(RpcError.of(RpcErrorCode.FORBIDDEN, "origin not allowed"), "origin"),
          headers,
          arrival.requestId());
    }
    Admission.Result admitted = admission.admit(caller, network.name());
    if (admitted.refusal() != null) {
      return refuse(admitted.caller(), admitted.refusal(), headers, arrival.requestId());
    }
    return new Admitted(network, admitted.caller(), max, headers, generation);
  }

  /**
   * Records a refusal of a request whose body was not read (admission, a handshake, a declared
   * size, a connection cap) and says how to answer it.
   */
  public Refused refuse(
      Caller caller, Refusal refusal, Map<String, String> headers, String requestId) {
    refusals.record(caller, requestId, "-", refusal);
    return refused(
        refusal.status(), refusal.error(), RpcWriter.refusal(refusal, null, requestId), headers);
  }

  /** An error that is not a refusal (no endpoint here, broken framing): nothing to record. */
  private static Refused refused(
      int status, RpcError error, Map<String, String> headers, String requestId) {
    return refused(status, error, Replies.refused(error, requestId).body(), headers);
  }

  private static Refused refused(
      int status, RpcError error, byte[] body, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.putAll(RateLimitHeaders.of(error));
    return new Refused(status, error, body, all);
  }

  /**
   * Why a POST's framing is refused: {@code Transfer-Encoding} other than chunked alone; else null.
   */
  private static RpcError framing(Arrival arrival) {
    String framing = arrival.header("Transfer-Encoding");
    if (framing != null
        && (!framing.equalsIgnoreCase("chunked") || arrival.header("Content-Length") != null)) {
      return RpcError.of(
          RpcErrorCode.INVALID_REQUEST,
          "Transfer-Encoding must be chunked alone, without Content-Length");
    }
    return null;
  }

  /** The network a request is for: the path's, else its host's, else the default (null: none). */
  private Network network(RpcPath path, String host) {
    if (path.network() != null) {
      return upstreams.network(path.network());
    }
    Network byHost = host == null ? null : upstreams.forHost(host.toLowerCase(Locale.ROOT));
    return byHost != null ? byHost : upstreams.defaultNetwork();
  }

  /**
   * An unknown network's name as its error shows it: up to {@link #SHOWN_NAME} characters, so a
   * client cannot make the gateway echo a path of any length.
   */
  static String shown(String network) {
    return network.length() <= SHOWN_NAME ? network : network.substring(0, SHOWN_NAME) + "...";
  }
}
