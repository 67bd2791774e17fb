package dev.rpcshield.admin;

import static dev.rpcshield.admin.AdminJson.badField;
import static dev.rpcshield.admin.AdminJson.notFound;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.account.ApiKeys;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Finding a key's record from its plaintext (by hash), and revoking keys. */
@Path("/keys")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class KeysResource {
  @Inject Accounts accounts;
  @Context HttpServletRequest http;

  @GET
  public String find(@QueryParam("key") String key) {
    if (key == null || key.isBlank()) {
      throw badField("key", "key is required");
    }
    return AdminJson.key(
            accounts.store().keyByHash(ApiKeys.hash(key.trim())).orElseThrow(() -> notFound("key")))
        .build()
        .toString();
  }

  @DELETE
  @Path("/{id}")
  public Response revoke(@PathParam("id") String id) {
    if (!accounts.store().revokeKey(AccountsResource.id(id), "admin@" + http.getRemoteAddr())) {
      throw notFound("key");
    }
    return Response.noContent().build();
  }
}
