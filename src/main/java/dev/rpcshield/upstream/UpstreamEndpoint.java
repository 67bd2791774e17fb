package dev.rpcshield.upstream;

import dev.rpcshield.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one upstream is and the headers it is sent: credentials in its URL move into a basic-auth
 * header (so the URL, which logs and metrics may show, carries none), then its {@code headers}
 * setting and its {@code basic-auth} setting apply over them, in that order.
 *
 * @param url the upstream's URL without user info
 * @param headers in the order they were set
 */
record UpstreamEndpoint(URI url, Map<String, String> headers) {

  /** The endpoint of upstream {@code name} at {@code url}, with its settings' headers. */
  static UpstreamEndpoint read(Settings s, String name, String url) {
    String p = "rpcshield.upstream." + name + ".";
    Map<String, String> headers = new LinkedHashMap<>();
    URI uri = withoutUserInfo(name, url, headers);
    for (String h : s.string(p + "headers", "").split(";")) {
      int eq = h.indexOf('=');
      if (eq > 0) {
        headers.put(h.substring(0, eq).trim(), h.substring(eq + 1).trim());
      } else if (!h.isBlank()) {
        throw new IllegalArgumentException(p + "headers: expected Name=value;Name=value");
      }
    }
    s.optional(p + "basic-auth")
        .ifPresent(userPass -> headers.put("Authorization", basic(s.scoped(p), userPass)));
    return new UpstreamEndpoint(uri, headers);
  }

  /** Moves {@code user:pass@} out of the URL into a basic-auth header. */
  private static URI withoutUserInfo(String name, String text, Map<String, String> headers) {
    try {
      URI uri = new URI(text);
      if (uri.getRawUserInfo() == null) {
        return uri;
      }
      headers.put("Authorization", basic(uri.getUserInfo()));
      return new URI(
          uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("upstream " + name + ": URL is not valid");
    }
  }

  private static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The header for a {@code basic-auth} setting, which must be {@code user:password} (the user may
   * be empty); the refusal never shows the value, a secret.
   */
  private static String basic(String prefix, String userPass) {
    if (userPass.indexOf(':') < 0) {
      throw new IllegalArgumentException(
          prefix + "basic-auth: expected user:password (the value is not shown)");
    }
    return basic(userPass);
  }
}
