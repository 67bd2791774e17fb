package dev.rpcshield.pipeline;

import dev.rpcshield.config.Settings;
import dev.rpcshield.identity.TrustedProxies;
import dev.rpcshield.jsonrpc.ParseLimits;
import java.util.List;

/**
 * The request path's own tunables, read from MicroProfile Config.
 *
 * @param parseLimits body size, batch size, nesting, number and string lengths ({@code
 *     rpcshield.limits.max-*}; defaults in {@link ParseLimits#DEFAULTS})
 * @param methods the allow-list ({@code rpcshield.methods.allowed}, default {@code @standard}) less
 *     {@code rpcshield.methods.denied}
 * @param trustedProxies addresses whose {@code X-Forwarded-For} is believed (default none)
 */
public record GatewayConfig(
    ParseLimits parseLimits, MethodAllowList methods, TrustedProxies trustedProxies) {

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
    return new GatewayConfig(
        limits,
        new MethodAllowList(
            s.list("rpcshield.methods.allowed", List.of(MethodAllowList.STANDARD_TOKEN)),
            s.list("rpcshield.methods.denied", List.of())),
        trusted);
  }

  private static int atLeast(Settings s, String key, int fallback, int min) {
    int value = s.integer(key, fallback);
    Settings.require(value >= min, key, value, "a number >= " + min);
    return value;
  }
}
