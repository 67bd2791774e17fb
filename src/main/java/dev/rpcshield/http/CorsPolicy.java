package dev.rpcshield.http;

import dev.rpcshield.config.Settings;
import dev.rpcshield.net.OriginPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which browser pages may call the JSON-RPC paths, and the CORS headers that say so. No credentials
 * mode: the key travels in the URL or a header, never in a cookie. The admin API and console are
 * never given these headers. A key's own origin allowlist narrows this per key (see {@code
 * Allowlists}); its refusal is an answer this policy still lets the page read.
 *
 * @param origins the pages allowed ({@code rpcshield.cors.allowed-origins}: {@code *}, the default,
 *     {@code none}, or a list), matched as every origin rule of the gateway matches them
 * @param maxAge how long a browser may cache a preflight answer (default 10 min)
 * @param allowedHeaders the request headers a page may send, lower case ({@code
 *     rpcshield.cors.allowed-headers}, default {@link #DEFAULT_HEADERS}); empty: any header a
 *     preflight asks for ({@code *}), which no credentials mode allows safely
 */
public record CorsPolicy(OriginPolicy origins, Duration maxAge, List<String> allowedHeaders) {

  /**
   * Request headers a page may send by default: the key, the key's secret and the body's type, and
   * the tracing headers Sentry and OpenTelemetry add to a page's requests.
   */
  static final List<String> DEFAULT_HEADERS =
      List.of(
          "content-type",
          "authorization",
          "x-api-key",
          "x-api-secret",
          "sentry-trace",
          "baggage",
          "traceparent",
          "tracestate");

  public CorsPolicy {
    allowedHeaders = List.copyOf(allowedHeaders);
  }

  /** Response headers a page may read, so it can back off. */
  static final String EXPOSED_HEADERS =
      "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Request-Id";

  /** A preflight's answer: 204 with the headers, or 403 without any CORS header. */
  public record Preflight(boolean allowed, Map<String, String> headers) {}

  public static CorsPolicy read(Settings s) {
    String key = "rpcshield.cors.allowed-origins";
    OriginPolicy origins =
        OriginPolicy.read(
            s.list(key, List.of("*")), bad -> Settings.invalid(key, bad, OriginPolicy.FORMS));
    Duration maxAge = s.duration("rpcshield.cors.max-age", Duration.ofMinutes(10));
    String headersKey = "rpcshield.cors.allowed-headers";
    List<String> headers = new ArrayList<>();
    for (String h : s.list(headersKey, DEFAULT_HEADERS)) {
      String name = h.toLowerCase(Locale.ROOT);
      Settings.require(
          name.equals("*") || name.matches("[a-z0-9!#$%&'*+.^_`|~-]+"),
          headersKey,
          h,
          "* or HTTP header names");
      headers.add(name);
    }
    return new CorsPolicy(origins, maxAge, headers.contains("*") ? List.of() : headers);
  }

  /** Whether a page from {@code origin} may read the gateway's answers. */
  public boolean allows(String origin) {
    return origins.allows(origin);
  }

  /**
   * The headers of an answer to a POST (success, error or refusal alike): {@code Vary: Origin}
   * always, since the answer's headers depend on it; the rest only for an allowed origin.
   */
  public Map<String, String> answer(String origin) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Vary", "Origin");
    if (allows(origin)) {
      h.put("Access-Control-Allow-Origin", origins.any() ? "*" : origin);
      h.put("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    }
    return h;
  }

  /**
   * The answer to a preflight: allowed when the origin is, the method asked for is POST, and every
   * header asked for is allowed; {@code -Allow-Headers} names those asked for (when none was asked,
   * all the allowed ones).
   */
  public Preflight preflight(String origin, String method, String requestedHeaders) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    if (!allows(origin) || !"POST".equals(method)) {
      return new Preflight(false, h);
    }
    List<String> asked = new ArrayList<>();
    for (String name : Settings.splitList(requestedHeaders == null ? "" : requestedHeaders)) {
      String n = name.toLowerCase(Locale.ROOT);
      if (!allowedHeaders.isEmpty() && !allowedHeaders.contains(n)) {
        return new Preflight(false, h);
      }
      if (!asked.contains(n)) {
        asked.add(n);
      }
    }
    h.put("Access-Control-Allow-Origin", origins.any() ? "*" : origin);
    h.put("Access-Control-Allow-Methods", "POST");
    List<String> named = asked.isEmpty() ? allowedHeaders : asked;
    if (!named.isEmpty()) {
      h.put("Access-Control-Allow-Headers", String.join(", ", named));
    }
    h.put("Access-Control-Max-Age", Long.toString(maxAge.toSeconds()));
    return new Preflight(true, h);
  }
}
