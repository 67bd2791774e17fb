package dev.rpcshield.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How configuration values are shown to operators: the values listed on the admin API, and every
 * message that echoes a value (a refused reload's detail, its event, a start-up error). A provider
 * key rides in a URL's user info, path or query, so a URL is shown as its scheme, host and port
 * only; the values of secret keys are not shown at all.
 */
public final class Masking {
  /** Keys whose values are secrets. */
  private static final Pattern SECRET =
      Pattern.compile("(?i).*(token|password|secret|auth|headers).*");

  /** Keys whose values are, or list, URLs. */
  private static final Pattern URL_VALUED = Pattern.compile("(?i).*(url|upstreams).*");

  /**
   * A URL: scheme, user info up to the authority's last {@code @}, host and port, and the rest
   * (path, parameters, query, fragment). It ends at white space, a quote or a comma (a list's
   * separator).
   */
  private static final Pattern URL =
      Pattern.compile(
          "([A-Za-z][A-Za-z0-9+.\\-]*://)([^\\s/?#;'\",]*@)?([^\\s/?#;'\",@]*)([/?#;][^\\s'\",]*)?");

  private Masking() {}

  /** A value as the admin API lists it: a secret's or a URL-valued key's as {@code ****}. */
  public static String listed(String key, String value) {
    if (!SECRET.matcher(key).matches() && !URL_VALUED.matcher(key).matches()) {
      return value;
    }
    return value.isEmpty() ? "" : "****";
  }

  /** A value as a message echoes it: a secret's as {@code ****}, any URL in it masked. */
  public static String echoed(String key, String value) {
    if (SECRET.matcher(key).matches()) {
      return value.isEmpty() ? "" : "****";
    }
    return urls(value);
  }

  /**
   * {@code text} with every URL in it cut to scheme, host and port: {@code ****@} for user info and
   * {@code /****} for whatever follows the host.
   */
  public static String urls(String text) {
    Matcher m = URL.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String shown =
          m.group(1)
              + (m.group(2) == null ? "" : "****@")
              + m.group(3)
              + (m.group(4) == null ? "" : "/****");
      m.appendReplacement(out, Matcher.quoteReplacement(shown));
    }
    m.appendTail(out);
    return out.toString();
  }
}
