package dev.rpcshield.net;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A browser {@code Origin} a page may call from: exact ({@code https://app.example}, {@code
 * http://127.0.0.1:8080}) or any subdomain ({@code https://*.example.com}, which matches {@code
 * https://a.example.com} and {@code https://a.b.example.com} but not {@code https://example.com}).
 * Scheme and host compare case-insensitively; the port must be the same (none means none).
 */
public final class OriginPattern {
  private static final Pattern FORM =
      Pattern.compile(
          "[a-z][a-z0-9+.-]*://(\\*\\.)?[a-z0-9.-]+(:\\d{1,5})?|[a-z][a-z0-9+.-]*://\\[[0-9a-f:.]+](:\\d{1,5})?");

  private final String text;
  private final String scheme;
  private final String suffix;
  private final String port;

  private OriginPattern(String text, String scheme, String suffix, String port) {
    this.text = text;
    this.scheme = scheme;
    this.suffix = suffix;
    this.port = port;
  }

  /**
   * Parses {@code scheme://host[:port]} or {@code scheme://*.domain[:port]}, without a path.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static OriginPattern parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (!FORM.matcher(t).matches() || t.contains("..") || t.endsWith(".")) {
      throw new IllegalArgumentException(
          "an origin is scheme://host[:port] or scheme://*.domain[:port], without a path");
    }
    int sep = t.indexOf("://");
    String scheme = t.substring(0, sep);
    String rest = t.substring(sep + 3);
    if (!rest.startsWith("*.")) {
      return new OriginPattern(t, scheme, null, null);
    }
    int colon = rest.indexOf(':');
    String host = colon < 0 ? rest.substring(2) : rest.substring(2, colon);
    if (host.indexOf('.') < 0) {
      throw new IllegalArgumentException("a wildcard origin needs a domain of two labels or more");
    }
    return new OriginPattern(t, scheme, "." + host, colon < 0 ? "" : rest.substring(colon));
  }

  /** Whether a request's {@code Origin} header is this origin or, for a wildcard, under it. */
  public boolean matches(String origin) {
    if (origin == null) {
      return false;
    }
    String o = origin.trim().toLowerCase(Locale.ROOT);
    if (suffix == null) {
      return o.equals(text);
    }
    String prefix = scheme + "://";
    if (!o.startsWith(prefix)) {
      return false;
    }
    String rest = o.substring(prefix.length());
    int colon = rest.indexOf(':');
    String host = colon < 0 ? rest : rest.substring(0, colon);
    String p = colon < 0 ? "" : rest.substring(colon);
    return p.equals(port)
        && host.length() > suffix.length()
        && host.endsWith(suffix)
        && host.indexOf('/') < 0
        && host.charAt(host.length() - suffix.length() - 1) != '.';
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OriginPattern p && p.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
