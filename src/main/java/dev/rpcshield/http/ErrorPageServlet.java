package dev.rpcshield.http;

import dev.rpcshield.config.Current;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.pipeline.Replies;
import dev.rpcshield.telemetry.RequestIds;
import dev.rpcshield.telemetry.RequestMetrics;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The container's own error pages (web.xml maps every status and exception here): a JSON-RPC error
 * with id null on the JSON-RPC paths, {@code {"error": …}} on the admin paths, never the
 * container's HTML, exception text, class names, hosts or ports. A path the container refuses (an
 * encoded {@code /}, say) is the client's 400; any other exception that reached the container is a
 * 500, logged here once.
 */
@WebServlet(urlPatterns = ErrorPageServlet.PATH)
public class ErrorPageServlet extends HttpServlet {
  static final String PATH = "/rpcshield-error";
  private static final Logger LOG = Logger.getLogger(ErrorPageServlet.class.getName());
  private static final long serialVersionUID = 1L;

  @Inject transient Current<CorsPolicy> cors;
  @Inject transient RequestMetrics metrics;

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer i ? i : 404;
    Object thrown = req.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
    String requestId = resp.getHeader(RpcServlet.REQUEST_ID);
    if (requestId == null) {
      requestId = RequestIds.of(req.getHeader(RpcServlet.REQUEST_ID));
      resp.setHeader(RpcServlet.REQUEST_ID, requestId);
    }
    String reason;
    if (refusedPath(thrown)) {
      LOG.fine("request path refused by the container");
      status = 400;
      reason = "the request path has an encoded '/', '.', '\\' or '#', which no endpoint takes";
    } else {
      if (thrown instanceof Throwable t) {
        LOG.log(Level.WARNING, "request " + requestId + " failed in the container", t);
        status = 500;
      }
      reason = reason(status);
    }
    Object uri = req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    String path = uri instanceof String s ? s : req.getRequestURI();
    byte[] body =
        path.startsWith("/admin/")
            ? Json.createObjectBuilder()
                .add("error", reason)
                .build()
                .toString()
                .getBytes(StandardCharsets.UTF_8)
            : Replies.refused(new RpcError(code(status), reason), requestId).body();
    resp.resetBuffer();
    boolean rpcPath = RpcPath.of(path) != null;
    if (rpcPath) {
      metrics.httpResponse(status);
    }
    RpcServlet.send(
        resp, status, body, rpcPath ? cors.get().answer(req.getHeader("Origin")) : Map.of());
  }

  /**
   * Whether the container refused the request's path (Servlet 6 URI checks: an encoded {@code /},
   * {@code .}, {@code \\} or {@code #}), which is the client's doing, not a failure of ours.
   * Liberty says so in its message id, CWWWC0005I, as its own request metrics tell it apart.
   */
  static boolean refusedPath(Object thrown) {
    return thrown instanceof IOException e
        && e.getMessage() != null
        && e.getMessage().contains("CWWWC0005I");
  }

  private static RpcErrorCode code(int status) {
    return switch (status) {
      case 413 -> RpcErrorCode.BODY_TOO_LARGE;
      case 401 -> RpcErrorCode.UNAUTHORIZED;
      case 403 -> RpcErrorCode.FORBIDDEN;
      default -> status >= 500 ? RpcErrorCode.INTERNAL_ERROR : RpcErrorCode.INVALID_REQUEST;
    };
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "bad request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "nothing at this path";
      case 405 -> "HTTP method not allowed at this path";
      case 408 -> "request timeout";
      case 411 -> "Content-Length required";
      case 413 -> "request too large";
      case 414 -> "URI too long";
      case 415 -> "unsupported media type";
      case 431 -> "request headers too large";
      case 503 -> "service unavailable";
      default -> status >= 500 ? "internal error" : "request refused (HTTP " + status + ")";
    };
  }
}
