package dev.rpcshield.admin;

import dev.rpcshield.account.DatabaseUnavailableException;
import dev.rpcshield.admin.AdminRecords.ErrorRecord;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every admin API failure that has no JSON answer of its own gets one: the account database
 * unreachable is 503 with {@code Retry-After}; an unknown path or method keeps its status; anything
 * else is 500 and is logged. The body never carries exception text.
 */
@Provider
public class AdminErrors implements ExceptionMapper<Throwable> {
  private static final Logger LOG = Logger.getLogger(AdminErrors.class.getName());

  @Override
  public Response toResponse(Throwable e) {
    if (e instanceof DatabaseUnavailableException) {
      LOG.log(Level.FINE, "admin call failed: database unavailable", e);
      return json(503, "the account database is unavailable; try again shortly")
          .header("Retry-After", DatabaseUnavailableException.RETRY_AFTER_SECONDS)
          .build();
    }
    if (e instanceof WebApplicationException w && w.getResponse().getStatus() < 500) {
      int status = w.getResponse().getStatus();
      Response.StatusType type = Response.Status.fromStatusCode(status);
      String reason = type == null ? "HTTP " + status : type.getReasonPhrase().toLowerCase();
      return Response.fromResponse(w.getResponse())
          .type(MediaType.APPLICATION_JSON)
          .entity(ErrorRecord.of(reason))
          .build();
    }
    LOG.log(Level.WARNING, "admin call failed", e);
    return json(500, "internal error").build();
  }

  private static Response.ResponseBuilder json(int status, String error) {
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(ErrorRecord.of(error));
  }
}
