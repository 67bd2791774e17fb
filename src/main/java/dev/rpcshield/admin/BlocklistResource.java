package dev.rpcshield.admin;

import static dev.rpcshield.admin.AdminJson.badField;
import static dev.rpcshield.admin.AdminJson.notFound;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.account.BlockedAddress;
import dev.rpcshield.admin.AdminRecords.BlockedRecord;
import dev.rpcshield.net.Cidr;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Blocked IP addresses and CIDR blocks, optionally expiring. */
@Path("/blocklist")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BlocklistResource {
  @Inject Accounts accounts;
  @Context HttpServletRequest http;

  @POST
  public Response add(String body) {
    JsonObject in = AdminJson.parse(body);
    String cidr = AdminJson.string(in, "cidr", true, 64);
    try {
      Cidr.parse(cidr);
    } catch (RuntimeException e) {
      throw badField("cidr", "cidr must be an IP address or CIDR block");
    }
    BlockedAddress b =
        accounts
            .store()
            .block(
                cidr,
                AdminJson.string(in, "reason", false, 500),
                AdminJson.instant(in, "expiresAt"),
                AdminTokenFilter.actor(http));
    return Response.status(201).entity(BlockedRecord.of(b)).build();
  }

  @GET
  public List<BlockedRecord> list() {
    return accounts.store().blocklist().stream().map(BlockedRecord::of).toList();
  }

  @DELETE
  @Path("/{id}")
  public Response remove(@PathParam("id") String id) {
    if (!accounts.store().unblock(AccountsResource.id(id), AdminTokenFilter.actor(http))) {
      throw notFound("blocklist entry");
    }
    return Response.noContent().build();
  }
}
