package dev.rpcshield.http;

/**
 * The JSON-RPC paths: {@code /} and {@code /v1/{apiKey}}, and per network {@code /{network}} and
 * {@code /{network}/v1/{apiKey}} (a trailing slash allowed). Anything else is not an endpoint.
 *
 * @param network the network named in the path (letters and digits), or {@code null}
 * @param apiKey the key in the path, or {@code null}
 */
public record RpcPath(String network, String apiKey) {

  /** Returns the path's meaning, or {@code null} when it is not a JSON-RPC path. */
  public static RpcPath of(String path) {
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (p.isEmpty()) {
      return new RpcPath(null, null);
    }
    if (!p.startsWith("/")) {
      return null;
    }
    String[] parts = p.substring(1).split("/", -1);
    return switch (parts.length) {
      case 1 -> networkName(parts[0]) ? new RpcPath(parts[0], null) : null;
      case 2 -> parts[0].equals("v1") && !parts[1].isEmpty() ? new RpcPath(null, parts[1]) : null;
      case 3 ->
          networkName(parts[0]) && parts[1].equals("v1") && !parts[2].isEmpty()
              ? new RpcPath(parts[0], parts[2])
              : null;
      default -> null;
    };
  }

  private static boolean networkName(String segment) {
    if (segment.isEmpty() || segment.equals("v1")) {
      return false;
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
        return false;
      }
    }
    return true;
  }
}
