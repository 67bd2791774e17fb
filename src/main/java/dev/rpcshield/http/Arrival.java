package dev.rpcshield.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.function.UnaryOperator;

/**
 * What the ingress reads of an HTTP request before its body: the same for a POST and a WebSocket
 * upgrade, so both enter through one {@link Ingress}.
 *
 * @param upgrade whether it asks for a WebSocket upgrade, else it is a JSON-RPC POST
 * @param path the path within the application
 * @param host the host name the client asked for, or null
 * @param remoteAddr the socket's peer address
 * @param query the query string, or null
 * @param contentLength the declared {@code Content-Length}, negative when there is none
 * @param headers a header's value by its name, null when absent
 * @param requestId the id its answer and log lines carry (the client's {@code X-Request-Id} when
 *     usable)
 */
public record Arrival(
    boolean upgrade,
    String path,
    String host,
    String remoteAddr,
    String query,
    long contentLength,
    UnaryOperator<String> headers,
    String requestId) {

  static Arrival of(HttpServletRequest req, boolean upgrade, String requestId) {
    return new Arrival(
        upgrade,
        req.getRequestURI().substring(req.getContextPath().length()),
        req.getServerName(),
        req.getRemoteAddr(),
        req.getQueryString(),
        req.getContentLengthLong(),
        req::getHeader,
        requestId);
  }

  /** The header's value, or null. */
  public String header(String name) {
    return headers.apply(name);
  }
}
