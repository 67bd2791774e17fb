package dev.rpcshield.net;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Which browser pages a rule accepts, by their {@code Origin}: any, none, or those an {@link
 * OriginPattern} matches. The one matcher behind CORS, WebSocket handshakes and keys' origin
 * allowlists, so an origin one of them accepts is read the same way by the others; what a request
 * without {@code Origin} (not a browser page) means is each rule's own.
 *
 * @param any whether every origin is accepted
 * @param patterns the accepted origins when not {@code any}; empty accepts none
 */
public record OriginPolicy(boolean any, List<OriginPattern> patterns) {

  /** Every origin. */
  public static final OriginPolicy ANY = new OriginPolicy(true, List.of());

  /** What a configuration key of origins takes, for its error message. */
  public static final String FORMS =
      "*, none, or origins such as https://app.example and https://*.example.com";

  public OriginPolicy {
    patterns = List.copyOf(patterns);
  }

  /** Only the origins these patterns match. */
  public static OriginPolicy of(List<OriginPattern> patterns) {
    return new OriginPolicy(false, patterns);
  }

  /**
   * Reads a configured list: {@code *} for any origin, {@code none} for none, and origins as {@link
   * OriginPattern#parse} takes them.
   *
   * @param invalid the error for an entry that is none of these
   */
  public static OriginPolicy read(
      List<String> entries, Function<String, ? extends RuntimeException> invalid) {
    boolean any = false;
    List<OriginPattern> patterns = new ArrayList<>();
    for (String e : entries) {
      if (e.equals("*")) {
        any = true;
      } else if (!e.equalsIgnoreCase("none")) {
        try {
          patterns.add(OriginPattern.parse(e));
        } catch (IllegalArgumentException bad) {
          throw invalid.apply(e);
        }
      }
    }
    return new OriginPolicy(any, any ? List.of() : patterns);
  }

  /** Whether a page from {@code origin} is accepted; a missing or blank origin never is. */
  public boolean allows(String origin) {
    if (origin == null || origin.isBlank()) {
      return false;
    }
    if (any) {
      return true;
    }
    for (OriginPattern p : patterns) {
      if (p.matches(origin)) {
        return true;
      }
    }
    return false;
  }
}
