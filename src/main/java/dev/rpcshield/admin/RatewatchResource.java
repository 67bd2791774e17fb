package dev.rpcshield.admin;

import dev.rpcshield.ratewatch.Ratewatch;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Throttle episodes, most recently throttled first (this instance's view). */
@Path("/ratewatch")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class RatewatchResource {
  @Inject Ratewatch ratewatch;

  @GET
  @Path("/episodes")
  public String episodes() {
    JsonArrayBuilder out = Json.createArrayBuilder();
    ratewatch
        .episodes()
        .forEach(e ->
            out.add(
                Json.createObjectBuilder()
                    .add("class", e.refusalClass())
                    .add("key", e.key())
                    .add("count", e.count())
                    .add("firstSeen", e.firstSeen().toString())
                    .add("lastSeen", e.lastSeen().toString())));
    return out.build().toString();
  }
}
