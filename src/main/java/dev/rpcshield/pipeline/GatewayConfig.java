package dev.rpcshield.pipeline;

import dev.rpcshield.config.Settings;
import dev.rpcshield.identity.TrustedProxies;
import dev.rpcshield.jsonrpc.ParseLimits;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The request path's own tunables, read from MicroProfile Config.
 *
 * @param parseLimits body size, batch size, nesting, number and string lengths ({@code
 *     rpcshield.limits.max-*}; defaults in {@link ParseLimits#DEFAULTS})
 * @param methods the allow-list ({@code rpcshield.methods.allowed}, default {@code @standard}) less
 *     {@code rpcshield.methods.denied}
 * @param networkMethods each network's allow-list, from its own {@code
 *     rpcshield.network.<n>.methods.*} keys, else the global ones
 * @param trustedProxies addresses whose {@code X-Forwarded-For} is believed (default none)
 * @param callErrorsAt200 whether a single request refused for the call itself (method, params,
 *     allowlists, an invalid transaction, the sender throttle) gets HTTP 200, as a node's call
 *     errors do ({@code rpcshield.http.call-errors-status=200}, the default), rather than its 4xx
 *     status ({@code 4xx})
 */
public record GatewayConfig(
    ParseLimits parseLimits,
    MethodAllowList methods,
    Map<String, MethodAllowList> networkMethods,
    TrustedProxies trustedProxies,
    boolean callErrorsAt200) {

  public GatewayConfig {
    networkMethods = Map.copyOf(networkMethods);
  }

  /** The allow-list of the network named {@code network}. */
  public MethodAllowList methods(String network) {
    return networkMethods.getOrDefault(network, methods);
  }

  public static GatewayConfig read(Settings s) {
    ParseLimits d = ParseLimits.DEFAULTS;
    ParseLimits limits =
        new ParseLimits(
            atLeast(s, "rpcshield.limits.max-body-bytes", d.maxBodyBytes(), 1),
            atLeast(s, "rpcshield.limits.max-batch-size", d.maxBatchSize(), 1),
            atLeast(s, "rpcshield.limits.max-depth", d.maxDepth(), 2),
            atLeast(s, "rpcshield.limits.max-number-length", d.maxNumberLength(), 1),
            atLeast(s, "rpcshield.limits.max-string-length", d.maxStringLength(), 1));
    List<String> proxies = s.list("rpcshield.trusted-proxies", List.of());
    TrustedProxies trusted;
    try {
      trusted = new TrustedProxies(proxies);
    } catch (IllegalArgumentException e) {
      throw Settings.invalid(
          "rpcshield.trusted-proxies", String.join(",", proxies), "addresses or CIDR blocks");
    }
    Map<String, MethodAllowList> byNetwork = new HashMap<>();
    for (String network : s.list("rpcshield.networks", List.of())) {
      byNetwork.put(network, methods(s.forNetwork(network)));
    }
    String key = "rpcshield.http.call-errors-status";
    String callErrors = s.string(key, "200");
    Settings.require(
        callErrors.equals("200") || callErrors.equals("4xx"), key, callErrors, "200 or 4xx");
    return new GatewayConfig(limits, methods(s), byNetwork, trusted, callErrors.equals("200"));
  }

  private static MethodAllowList methods(Settings s) {
    return new MethodAllowList(
        s.list("rpcshield.methods.allowed", List.of(MethodAllowList.STANDARD_TOKEN)),
        s.list("rpcshield.methods.denied", List.of()));
  }

  private static int atLeast(Settings s, String key, int fallback, int min) {
    int value = s.integer(key, fallback);
    Settings.require(value >= min, key, value, "a number >= " + min);
    return value;
  }
}
