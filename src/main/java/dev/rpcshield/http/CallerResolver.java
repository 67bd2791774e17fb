package dev.rpcshield.http;

import dev.rpcshield.config.DirectBean;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.identity.TrustedProxies;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads who is calling from an HTTP request (also the WebSocket upgrade request): the API key from
 * {@code X-API-Key}, {@code Authorization: Bearer}, the path or {@code ?apikey=}; the key's secret;
 * the client IP under the trusted-proxy rule (the request's configuration's, which the transport
 * passes); and the {@code Origin} and {@code User-Agent} the key's allowlists check.
 */
@ApplicationScoped
public class CallerResolver extends DirectBean {

  public Caller resolve(Arrival req, String pathKey, TrustedProxies proxies) {
    String ip = proxies.clientIp(req.remoteAddr(), req.header("X-Forwarded-For"));
    return new Caller(
        ip,
        apiKey(req, pathKey),
        null,
        req.header("Origin"),
        req.header("User-Agent"),
        secret(req));
  }

  /**
   * The key's secret: {@code X-API-Secret}, or the password of HTTP basic auth (as Infura takes it:
   * {@code https://:SECRET@host/v1/KEY}).
   */
  static String secret(Arrival req) {
    String header = req.header("X-API-Secret");
    if (header != null && !header.isBlank()) {
      return header.trim();
    }
    String auth = req.header("Authorization");
    if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String pair =
          new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      String password = colon < 0 ? "" : pair.substring(colon + 1);
      return password.isEmpty() ? null : password;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String apiKey(Arrival req, String pathKey) {
    String header = req.header("X-API-Key");
    if (header != null && !header.isBlank()) {
      return header.trim();
    }
    String auth = req.header("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return auth.substring(7).trim();
    }
    if (pathKey != null) {
      return pathKey;
    }
    return queryKey(req.query());
  }

  /**
   * Reads {@code apikey} from the query string itself: {@code getParameter} would consume a POST
   * body sent as a form, which is what {@code curl -d} sends.
   */
  static String queryKey(String query) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith("apikey=") && pair.length() > 7) {
        return URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
