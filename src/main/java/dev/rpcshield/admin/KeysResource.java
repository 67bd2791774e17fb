package dev.rpcshield.admin;

import static dev.rpcshield.admin.AdminJson.badField;
import static dev.rpcshield.admin.AdminJson.notFound;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.account.ApiKey;
import dev.rpcshield.account.ApiKeys;
import dev.rpcshield.admin.AdminRecords.KeyRecord;
import dev.rpcshield.allowlist.Allowlists;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;

/**
 * Finding a key's record from its plaintext (by hash), restricting keys (allowlists, secret) and
 * revoking them.
 */
@Path("/keys")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class KeysResource {
  @Inject Accounts accounts;
  @Context HttpServletRequest http;

  @GET
  public KeyRecord find(@QueryParam("key") String key) {
    if (key == null || key.isBlank()) {
      throw badField("key", "key is required");
    }
    return KeyRecord.of(
        accounts.store().keyByHash(ApiKeys.hash(key.trim())).orElseThrow(() -> notFound("key")));
  }

  /**
   * Changes a key's restrictions: {@code allowlists} (replaces every list; one left out is not set)
   * and {@code secretRequired}. Every instance applies it within a second.
   */
  @PATCH
  @Path("/{id}")
  @Consumes(MediaType.APPLICATION_JSON)
  public KeyRecord restrict(@PathParam("id") String id, String body) {
    JsonObject in = AdminJson.parse(body);
    for (String field : in.keySet()) {
      if (!field.equals("allowlists") && !field.equals("secretRequired")) {
        throw badField(field, "unknown field '" + field + "'; known: allowlists, secretRequired");
      }
    }
    Allowlists lists = in.containsKey("allowlists") ? AdminJson.allowlists(in, "allowlists") : null;
    Boolean required = AdminJson.bool(in, "secretRequired");
    return KeyRecord.of(restrict(AccountsResource.id(id), lists, required, null));
  }

  /**
   * Gives a key a new secret, shown this once: a request that presents it skips the key's
   * allowlists. The old secret stops working.
   */
  @POST
  @Path("/{id}/secret")
  public Response newSecret(@PathParam("id") String id) {
    String secret = ApiKeys.generateSecret();
    ApiKey k = restrict(AccountsResource.id(id), null, null, secret);
    return Response.status(201)
        .header("Cache-Control", "no-store")
        .entity(KeyRecord.of(k, null, secret))
        .build();
  }

  private ApiKey restrict(UUID id, Allowlists lists, Boolean required, String secret) {
    try {
      return accounts
          .store()
          .restrictKey(id, lists, required, secret, AdminTokenFilter.actor(http))
          .orElseThrow(() -> notFound("key"));
    } catch (IllegalArgumentException e) {
      throw badField("secretRequired", e.getMessage());
    }
  }

  @DELETE
  @Path("/{id}")
  public Response revoke(@PathParam("id") String id) {
    if (!accounts.store().revokeKey(AccountsResource.id(id), AdminTokenFilter.actor(http))) {
      throw notFound("key");
    }
    return Response.noContent().build();
  }
}
