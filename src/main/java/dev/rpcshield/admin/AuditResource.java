package dev.rpcshield.admin;

import static dev.rpcshield.admin.AdminJson.badField;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.admin.AdminRecords.AuditEntry;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The audit trail, most recent change first: who (the static token's or a token's subject). */
@Path("/audit")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
  @Inject Accounts accounts;

  @GET
  public List<AuditEntry> recent(@QueryParam("limit") String limit) {
    int n;
    try {
      n = limit == null ? 100 : Integer.parseInt(limit);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > 1000) {
      throw badField("limit", "limit must be a number from 1 to 1000");
    }
    return accounts.store().audit(n).stream().map(AuditEntry::of).toList();
  }
}
