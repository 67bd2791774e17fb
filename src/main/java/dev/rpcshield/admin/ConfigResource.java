package dev.rpcshield.admin;

import dev.rpcshield.admin.AdminRecords.ConfigRecord;
import dev.rpcshield.admin.AdminRecords.ReloadRecord;
import dev.rpcshield.config.ConfigStatus;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;

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
  public ConfigRecord show() {
    return new ConfigRecord(
        status.version(),
        status.appliedAt().toString(),
        reload(status.lastReload()),
        List.copyOf(status.needsRestart()),
        new LinkedHashMap<>(status.effective()));
  }

  @POST
  @Path("/reload")
  public ReloadRecord reload() {
    return reload(status.applyNow());
  }

  /** A look for a change, or an empty object before the first. */
  private static ReloadRecord reload(ConfigStatus.Reload r) {
    return r == null
        ? new ReloadRecord(null, null, null)
        : ReloadRecord.of(r.outcome(), r.at(), r.detail());
  }
}
