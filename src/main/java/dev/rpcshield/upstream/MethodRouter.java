package dev.rpcshield.upstream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a method to its upstream group (or a group's settings): exact names first, then the longest
 * matching prefix.
 */
public final class MethodRouter<G> {
  private final G fallback;
  private final Map<String, G> exact = new HashMap<>();
  private final List<Map.Entry<String, G>> prefixes = new ArrayList<>();

  public MethodRouter(G fallback) {
    this.fallback = fallback;
  }

  /** Routes methods (exact names, or prefixes ending in {@code *}) to a group. */
  public void route(List<String> methods, G group) {
    for (String m : methods) {
      if (m.endsWith("*")) {
        prefixes.add(Map.entry(m.substring(0, m.length() - 1), group));
        prefixes.sort((a, b) -> b.getKey().length() - a.getKey().length());
      } else {
        exact.put(m, group);
      }
    }
  }

  public G groupFor(String method) {
    G g = exact.get(method);
    if (g != null) {
      return g;
    }
    for (Map.Entry<String, G> p : prefixes) {
      if (method.startsWith(p.getKey())) {
        return p.getValue();
      }
    }
    return fallback;
  }
}
