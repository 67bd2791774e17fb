package dev.rpcshield.net;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A browser {@code Origin} a page may call from: exact ({@code https://app.example}, {@code
 * http://127.0.0.1:8080}) or any subdomain ({@code https://*.example.com}, which matches {@code
 * https://a.example.com} and {@code https://a.b.example.com} but not {@code https://example.com}).
 * Both sides are normalised the same way before they are compared: scheme and host in lower case,
 * and a scheme's default port ({@code :80} of http and ws, {@code :443} of https and wss) dropped,
 * so {@code https://app.example:443} is {@code https://app.example}; any other port must be the
 * same (none means none).
 */
public final class OriginPattern {
  private static final Pattern FORM =
      Pattern.compile(
          "[a-z][a-z0-9+.-]*://(\\*\\.)?[a-z0-9.-]+(:\\d{1,5})?|[a-z][a-z0-9+.-]*://\\[[0-9a-f:.]+](:\\d{1,5})?");

  private final String text;
  private final Origin origin;
  private final boolean wildcard;

  private OriginPattern(String text, Origin origin, boolean wildcard) {
    this.text = text;
    this.origin = origin;
    this.wildcard = wildcard;
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
    Origin o = Origin.read(t);
    if (!o.host().startsWith("*.")) {
      return new OriginPattern(o.toString(), o, false);
    }
    String domain = o.host().substring(2);
    if (domain.indexOf('.') < 0) {
      throw new IllegalArgumentException("a wildcard origin needs a domain of two labels or more");
    }
    Origin suffix = new Origin(o.scheme(), "." + domain, o.port());
    return new OriginPattern(o.toString(), suffix, true);
  }

  /** Whether a request's {@code Origin} header is this origin or, for a wildcard, under it. */
  public boolean matches(String header) {
    Origin o = header == null ? null : Origin.read(header.trim().toLowerCase(Locale.ROOT));
    if (o == null || !o.scheme().equals(origin.scheme()) || o.port() != origin.port()) {
      return false;
    }
    if (!wildcard) {
      return o.host().equals(origin.host());
    }
    String host = o.host();
    String suffix = origin.host();
    return host.length() > suffix.length()
        && host.endsWith(suffix)
        && host.charAt(host.length() - suffix.length() - 1) != '.';
  }

  /** The pattern as written, normalised: how allowlists store it and errors show it. */
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

  /**
   * An origin taken apart: scheme, host (an IPv6 literal with its brackets) and port, -1 for none
   * or the scheme's default.
   */
  private record Origin(String scheme, String host, int port) {

    /** Reads lower-case {@code scheme://host[:port]}; null when it is not that (a path, "null"). */
    static Origin read(String text) {
      int sep = text.indexOf("://");
      if (sep <= 0) {
        return null;
      }
      String scheme = text.substring(0, sep);
      String rest = text.substring(sep + 3);
      int colon = rest.startsWith("[") ? rest.indexOf(':', rest.indexOf(']')) : rest.indexOf(':');
      String host = colon < 0 ? rest : rest.substring(0, colon);
      int port = -1;
      if (colon >= 0) {
        String digits = rest.substring(colon + 1);
        if (digits.isEmpty()
            || digits.length() > 5
            || !digits.chars().allMatch(Character::isDigit)) {
          return null;
        }
        port = Integer.parseInt(digits);
      }
      if (host.isEmpty()
          || host.chars().anyMatch(c -> c == '/' || c == '?' || c == '#' || c == '@')) {
        return null;
      }
      return new Origin(scheme, host, port == defaultPort(scheme) ? -1 : port);
    }

    private static int defaultPort(String scheme) {
      return switch (scheme) {
        case "http", "ws" -> 80;
        case "https", "wss" -> 443;
        default -> -2;
      };
    }

    @Override
    public String toString() {
      return scheme + "://" + host + (port < 0 ? "" : ":" + port);
    }
  }
}
