package dev.rpcshield.admin;

import dev.rpcshield.config.Settings;
import dev.rpcshield.identity.JwtConfig;
import java.util.List;

/**
 * The admin API's configuration: who may call it.
 *
 * @param token the static bearer token (the break-glass key: every role); null (unset) turns it off
 * @param jwt whether operators' JSON Web Tokens are taken: {@code rpcshield.admin.jwt.issuer} is
 *     set, and Liberty's mpJwt (server.xml) checks them with it, {@code .jwks-url} (https, or http
 *     to a loopback address, as callers' keys) and {@code .audience}, which must then be set too
 */
public record AdminConfig(String token, boolean jwt) {

  public static AdminConfig read(Settings s) {
    String issuer = value(s, "rpcshield.admin.jwt.issuer");
    if (issuer != null) {
      JwtConfig.uri("rpcshield.admin.jwt.issuer", issuer);
      for (String key : List.of("rpcshield.admin.jwt.jwks-url", "rpcshield.admin.jwt.audience")) {
        Settings.require(value(s, key) != null, key, "", "set with rpcshield.admin.jwt.issuer");
      }
      JwtConfig.uri("rpcshield.admin.jwt.jwks-url", value(s, "rpcshield.admin.jwt.jwks-url"));
    }
    return new AdminConfig(s.optional("rpcshield.admin.token").orElse(null), issuer != null);
  }

  private static String value(Settings s, String key) {
    return s.optional(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
  }
}
