package dev.rpcshield.http;

/**
 * The JSON-RPC paths: {@code /} (no key in the path) and {@code /v1/{apiKey}} (a trailing slash
 * allowed). Anything else is not an endpoint.
 *
 * @param apiKey the key in the path, or {@code null}
 */
public record RpcPath(String apiKey) {

  /** Returns the path's meaning, or {@code null} when it is not a JSON-RPC path. */
  public static RpcPath of(String path) {
    if (path.isEmpty() || path.equals("/")) {
      return new RpcPath(null);
    }
    if (!path.startsWith("/v1/")) {
      return null;
    }
    String key = path.substring(4);
    if (key.endsWith("/")) {
      key = key.substring(0, key.length() - 1);
    }
    if (key.isEmpty() || key.indexOf('/') >= 0) {
      return null;
    }
    return new RpcPath(key);
  }
}
