package dev.rpcshield.upstream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Maps a method to its upstream group: exact names first, then the longest matching prefix. */
public final class MethodRouter {
  private final UpstreamGroup fallback;
  private final Map<String, UpstreamGroup> exact = new HashMap<>();
  private final List<Map.Entry<String, UpstreamGroup>> prefixes = new ArrayList<>();

  public MethodRouter(UpstreamGroup fallback) {
    this.fallback = fallback;
  }

  /** Routes methods (exact names, or prefixes ending in {@code *}) to a group. */
  public void route(List<String> methods, UpstreamGroup group) {
    for (String m : methods) {
      if (m.endsWith("*")) {
        prefixes.add(Map.entry(m.substring(0, m.length() - 1), group));
        prefixes.sort((a, b) -> b.getKey().length() - a.getKey().length());
      } else {
        exact.put(m, group);
      }
    }
  }

  public UpstreamGroup groupFor(String method) {
    UpstreamGroup g = exact.get(method);
    if (g != null) {
      return g;
    }
    for (Map.Entry<String, UpstreamGroup> p : prefixes) {
      if (method.startsWith(p.getKey())) {
        return p.getValue();
      }
    }
    return fallback;
  }
}
