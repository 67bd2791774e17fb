package dev.rpcshield.admin;

import dev.rpcshield.config.Current;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Every admin call needs {@code Authorization: Bearer <rpcshield.admin.token>}, compared in
 * constant time. With no token configured the admin API refuses every call.
 */
@Provider
@ApplicationScoped
public class AdminTokenFilter implements ContainerRequestFilter {
  @Inject Current<AdminConfig> config;

  @Override
  public void filter(ContainerRequestContext request) {
    String token = config.get().token();
    if (token == null) {
      request.abortWith(refusal("the admin API is disabled: set rpcshield.admin.token"));
      return;
    }
    String header = request.getHeaderString("Authorization");
    String given =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : "";
    if (!MessageDigest.isEqual(
        token.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
      request.abortWith(refusal("missing or wrong admin token"));
    }
  }

  private static Response refusal(String why) {
    return Response.status(401)
        .header("WWW-Authenticate", "Bearer")
        .type(MediaType.APPLICATION_JSON)
        .entity(Json.createObjectBuilder().add("error", why).build().toString())
        .build();
  }
}
