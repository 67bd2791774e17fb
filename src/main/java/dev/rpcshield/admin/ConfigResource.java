package dev.rpcshield.admin;

import dev.rpcshield.config.ConfigStatus;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The configuration in effect: its version, when it was applied, the last change seen and what
 * became of it, the keys waiting for a restart, and every {@code rpcshield.*} value with secrets
 * masked. {@code POST /config/reload} looks for a change now.
 */
@Path("/config")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ConfigResource {
  @Inject ConfigStatus status;

  @GET
  public String show() {
    JsonObjectBuilder values = Json.createObjectBuilder();
    status.effective().forEach(values::add);
    return Json.createObjectBuilder()
        .add("version", status.version())
        .add("appliedAt", status.appliedAt().toString())
        .add("lastReload", reload(status.lastReload()))
        .add("needsRestart", Json.createArrayBuilder(status.needsRestart()))
        .add("values", values)
        .build()
        .toString();
  }

  @POST
  @Path("/reload")
  public String reload() {
    return reload(status.applyNow()).build().toString();
  }

  private static JsonObjectBuilder reload(ConfigStatus.Reload r) {
    JsonObjectBuilder b = Json.createObjectBuilder();
    if (r != null) {
      b.add("outcome", r.outcome()).add("at", r.at().toString()).add("detail", r.detail());
    }
    return b;
  }
}
