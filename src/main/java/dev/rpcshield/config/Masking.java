package dev.rpcshield.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How configuration values are shown to operators: the values listed on the admin API, and every
 * message that echoes a value (a refused reload's detail, its event, a start-up error). A provider
 * key rides in a URL's user info, path or query, so a URL is shown as its scheme, host and port
 * only; the values of secret keys are not shown at all. A value of a URL key that does not read as
 * a URL with a host (a typo'd scheme, a stray character) is not shown either, since where the
 * secret sits in it cannot be told.
 */
public final class Masking {
  /** Keys whose values are secrets. */
  private static final Pattern SECRET =
      Pattern.compile("(?i).*(token|password|secret|auth|headers).*");

  /** Keys whose values are, or list, URLs. */
  private static final Pattern URL_VALUED = Pattern.compile("(?i).*(url|upstreams).*");

  /** An item of a {@code name=url} list: the name is shown as is, so it may hold no URL. */
  private static final Pattern NAMED = Pattern.compile("([A-Za-z0-9_.\\-]+)=(.*)", Pattern.DOTALL);

  /**
   * A URL in free text: its scheme, then everything up to white space, a quote, or a comma that
   * starts the next item of a list (a {@code name=} or another scheme) or ends the URL.
   */
  private static final Pattern URL =
      Pattern.compile(
          "([A-Za-z][A-Za-z0-9+.\\-]*://)"
              + "((?:[^\\s'\",]|,(?![\\s'\"]|$|[A-Za-z0-9_.\\-]+=|[A-Za-z][A-Za-z0-9+.\\-]*://))*)");

  /** The host and port shown of a URL in free text: a DNS name or IP address, or bracketed IPv6. */
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.\\-]*)(:\\d+)?");

  /** A password given as a parameter, as H2 ({@code ;PASSWORD=}) and JDBC queries take one. */
  private static final Pattern PASSWORD_PARAMETER =
      Pattern.compile("(?i)((?:password|pwd)=)[^\\s;&'\",]+");

  private Masking() {}

  /** A value as the admin API lists it: a secret's or a URL-valued key's as {@code ****}. */
  public static String listed(String key, String value) {
    if (!SECRET.matcher(key).matches() && !URL_VALUED.matcher(key).matches()) {
      return value;
    }
    return value.isEmpty() ? "" : "****";
  }

  /**
   * A value as a message echoes it: a secret's as {@code ****}; a URL-valued key's as each
   * comma-separated URL's scheme, host and port (after its {@code name=}), anything else in it as
   * {@code ****}; any other value with every URL in it masked.
   */
  public static String echoed(String key, String value) {
    if (SECRET.matcher(key).matches()) {
      return value.isEmpty() ? "" : "****";
    }
    if (URL_VALUED.matcher(key).matches()) {
      return Arrays.stream(value.split(",", -1))
          .map(Masking::urlItem)
          .collect(Collectors.joining(","));
    }
    return urls(value);
  }

  private static String urlItem(String item) {
    String url = item.strip();
    if (url.isEmpty()) {
      return item;
    }
    Matcher named = NAMED.matcher(url);
    return named.matches() ? named.group(1) + "=" + parsed(named.group(2).strip()) : parsed(url);
  }

  /**
   * What {@link URI} reads of {@code text} as {@code scheme://[****@]host[:port][/****]} ({@code
   * jdbc:} kept before a JDBC URL's own), or {@code ****} if it reads no scheme and host.
   */
  private static String parsed(String text) {
    if (text.regionMatches(true, 0, "jdbc:", 0, 5)) {
      return text.substring(0, 5) + parsed(text.substring(5));
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return "****";
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      return "****";
    }
    boolean more =
        !uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null;
    return uri.getScheme()
        + "://"
        + (uri.getRawUserInfo() == null ? "" : "****@")
        + uri.getHost()
        + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (more ? "/****" : "");
  }

  /**
   * {@code text} with every URL in it cut to scheme, host and port ({@code ****@} for user info,
   * whenever the URL has an {@code @}, and {@code /****} for whatever follows the host) and every
   * {@code password=} parameter's value as {@code ****}.
   */
  public static String urls(String text) {
    Matcher m = URL.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + authority(m.group(2))));
    }
    m.appendTail(out);
    return PASSWORD_PARAMETER.matcher(out).replaceAll("$1****");
  }

  /** What follows a scheme's {@code //}, cut to host and port. */
  private static String authority(String rest) {
    int at = rest.lastIndexOf('@');
    String server = rest.substring(at + 1);
    Matcher host = HOST_PORT.matcher(server);
    host.lookingAt();
    return (at < 0 ? "" : "****@") + host.group() + (host.end() < server.length() ? "/****" : "");
  }
}
