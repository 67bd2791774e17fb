package dev.rpcshield.admin;

import dev.rpcshield.config.Settings;

/**
 * The admin API's configuration.
 *
 * @param token the bearer token every admin call must present; null (unset) refuses every call
 */
public record AdminConfig(String token) {

  public static AdminConfig read(Settings s) {
    return new AdminConfig(s.optional("rpcshield.admin.token").orElse(null));
  }
}
