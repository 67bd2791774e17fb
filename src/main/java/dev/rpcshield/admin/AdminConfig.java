package dev.rpcshield.admin;

import dev.rpcshield.config.Settings;
import dev.rpcshield.identity.JwtConfig;

/**
 * The admin API's configuration: who may call it.
 *
 * @param token the static bearer token (the break-glass key: every role); null (unset) turns it off
 * @param jwt operators' JSON Web Tokens ({@code rpcshield.admin.jwt.*}): off without an issuer
 * @param rolesClaim the claim of an operator's token that lists its roles ({@code groups}, as
 *     MicroProfile JWT has them): {@code viewer}, {@code operator}, {@code admin}
 */
public record AdminConfig(String token, JwtConfig jwt, String rolesClaim) {

  public static AdminConfig read(Settings s) {
    JwtConfig jwt = JwtConfig.issuer(s, "rpcshield.admin.jwt.");
    String roles =
        jwt.enabled() ? s.string("rpcshield.admin.jwt.roles-claim", "groups").trim() : "groups";
    Settings.require(!roles.isEmpty(), "rpcshield.admin.jwt.roles-claim", roles, "a claim name");
    return new AdminConfig(s.optional("rpcshield.admin.token").orElse(null), jwt, roles);
  }
}
