package dev.rpcshield.admin;

import dev.rpcshield.admin.AdminRecords.ErrorRecord;
import dev.rpcshield.config.Current;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Every admin call needs {@code Authorization: Bearer <rpcshield.admin.token>}, compared in
 * constant time, whatever its method and path: the check runs before the call is matched to a
 * route, so an {@code OPTIONS} or an unknown path without the token is 401 too and lists no route.
 * With no token configured the admin API refuses every call. An authorised call's body is read
 * here, up to {@link #MAX_BODY_BYTES}: a larger one is refused with 413 before any resource parses
 * it.
 */
@Provider
@PreMatching
@ApplicationScoped
public class AdminTokenFilter implements ContainerRequestFilter {
  /** The largest admin request body: accounts, keys and allowlists are a few kilobytes. */
  static final int MAX_BODY_BYTES = 1 << 20;

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
      return;
    }
    if (request.getLength() > MAX_BODY_BYTES) {
      request.abortWith(tooLarge());
      return;
    }
    if (request.hasEntity()) {
      byte[] body;
      try {
        body = request.getEntityStream().readNBytes(MAX_BODY_BYTES + 1);
      } catch (IOException e) {
        request.abortWith(error(408, "the request body did not arrive in full"));
        return;
      }
      if (body.length > MAX_BODY_BYTES) {
        request.abortWith(tooLarge());
        return;
      }
      request.setEntityStream(new ByteArrayInputStream(body));
    }
  }

  /** A new answer each time: a JAX-RS response is written once. */
  private static Response tooLarge() {
    return error(413, "the request body exceeds " + MAX_BODY_BYTES + " bytes");
  }

  private static Response error(int status, String why) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(ErrorRecord.of(why))
        .build();
  }

  private static Response refusal(String why) {
    return Response.fromResponse(error(401, why)).header("WWW-Authenticate", "Bearer").build();
  }
}
