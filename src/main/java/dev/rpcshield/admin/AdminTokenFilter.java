package dev.rpcshield.admin;

import dev.rpcshield.admin.AdminRecords.ErrorRecord;
import dev.rpcshield.config.Current;
import dev.rpcshield.config.Settings;
import dev.rpcshield.identity.JwtVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.time.Clock;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Every admin call needs a bearer token, whatever its method and path: the check runs before the
 * call is matched to a route, so an {@code OPTIONS} or an unknown path without one is 401 too and
 * lists no route. Either the static {@code rpcshield.admin.token} (compared in constant time; the
 * break-glass key, every role, recorded as {@code admin@<address>}), or an operator's JSON Web
 * Token of {@code rpcshield.admin.jwt.issuer}, which Liberty's MicroProfile JWT checks and signs in
 * (server.xml's {@code mpJwt}), holding the roles its groups name: {@code viewer}, {@code operator}
 * or {@code admin} ({@link AdminRole}; recorded as {@code jwt:<sub>@<address>}). A token Liberty
 * refuses is 401 (Liberty's log names the check), a role too low for the call 403; while the
 * configuration's sources hold operators' token settings the gateway has not taken, a token Liberty
 * signs in is 503. With neither configured the admin API refuses every call. An authorised call's
 * body is read here, up to {@link #MAX_BODY_BYTES}: a larger one is refused with 413 before any
 * resource parses it.
 */
@Provider
@PreMatching
@ApplicationScoped
public class AdminTokenFilter implements ContainerRequestFilter {
  /** The largest admin request body: accounts, keys and allowlists are a few kilobytes. */
  static final int MAX_BODY_BYTES = 1 << 20;

  /** The request attribute that names who made the call, for the audit trail. */
  static final String ACTOR = "rpcshield.admin.actor";

  private static final Logger LOG = Logger.getLogger(AdminTokenFilter.class.getName());

  @Inject Current<AdminConfig> config;
  @Inject Clock clock;
  @Context HttpServletRequest http;
  @Context HttpServletResponse response;

  /** Who made the call {@code http} carries, as the audit trail records it. */
  static String actor(HttpServletRequest http) {
    return http.getAttribute(ACTOR) instanceof String a ? a : "admin@" + http.getRemoteAddr();
  }

  @Override
  public void filter(ContainerRequestContext request) {
    AdminConfig c = config.get();
    if (c.token() == null && !c.jwt()) {
      request.abortWith(
          refusal(
              "the admin API is disabled: set rpcshield.admin.token or"
                  + " rpcshield.admin.jwt.issuer"));
      return;
    }
    String header = request.getHeaderString("Authorization");
    String given =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : "";
    AdminRole role;
    String actor;
    if (c.token() != null
        && MessageDigest.isEqual(
            c.token().getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
      role = AdminRole.ADMIN;
      actor = "admin@" + http.getRemoteAddr();
    } else if (c.jwt() && JwtVerifier.looksLikeJwt(given)) {
      Principal operator = signIn();
      if (operator == null) {
        request.abortWith(
            refusal("admin token refused: the server's log names the check it failed"));
        return;
      }
      if (!takenAsConfigured(c)) {
        request.abortWith(
            error(
                503,
                "operators' tokens wait until the gateway has taken the configuration Liberty"
                    + " checks them with (the break-glass token reads GET /admin/api/config)"));
        return;
      }
      if (!c.operators().accepts(given, clock.instant())) {
        LOG.warning(
            "an operator's token Liberty signed in is not in force or names another issuer or"
                + " audience than rpcshield.admin.jwt.issuer and .audience");
        request.abortWith(
            refusal("admin token refused: the server's log names the check it failed"));
        return;
      }
      role = AdminRole.highest(http::isUserInRole);
      if (role == null) {
        request.abortWith(
            error(403, "the token's groups name no admin role (viewer, operator or admin)"));
        return;
      }
      actor = "jwt:" + operator.getName() + "@" + http.getRemoteAddr();
    } else {
      request.abortWith(refusal("missing or wrong admin token"));
      return;
    }
    String path = routedPath(request);
    if (path == null) {
      request.abortWith(error(400, "a path segment must not hold a slash"));
      return;
    }
    AdminRole needed = AdminRole.needed(request.getMethod(), path);
    if (!role.covers(needed)) {
      request.abortWith(error(403, "this call needs the " + needed.label() + " role"));
      return;
    }
    http.setAttribute(ACTOR, actor);
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

  /**
   * The path as the router matches it: its segments without their matrix parameters ({@code
   * accounts/<id>;x=%2Fkeys} is {@code accounts/<id>}); null when a segment holds an encoded slash,
   * which no route takes.
   */
  private static String routedPath(ContainerRequestContext request) {
    StringBuilder path = new StringBuilder();
    for (PathSegment segment : request.getUriInfo().getPathSegments()) {
      String s = segment.getPath();
      if (s.indexOf('/') >= 0 || s.indexOf('\\') >= 0) {
        return null;
      }
      path.append('/').append(s);
    }
    return path.toString();
  }

  /**
   * The operator Liberty signs in with the request's token (its {@code sub}); null when Liberty
   * refuses the token, which its log then names with the check that failed (CWWKS5523E).
   */
  private Principal signIn() {
    try {
      return http.authenticate(response) ? http.getUserPrincipal() : null;
    } catch (ServletException | IOException e) {
      LOG.log(Level.WARNING, "Liberty could not sign an operator's token in: {0}", e.toString());
      return null;
    }
  }

  /**
   * Whether the configuration's sources now give the operators' token settings {@code running}
   * holds (and the whole admin configuration validates). Liberty applies a change of server.xml's
   * variables to its mpJwt at once, the gateway at its next comparison (or never, if it refuses the
   * change): until the two agree, Liberty may have checked the token with values the gateway has
   * not validated. Asked after Liberty signed the token in, so that a change made meanwhile is seen
   * too.
   */
  private static boolean takenAsConfigured(AdminConfig running) {
    try {
      return Objects.equals(
          running.operators(),
          AdminConfig.read(new Settings(ConfigProvider.getConfig())).operators());
    } catch (IllegalArgumentException e) {
      return false;
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
