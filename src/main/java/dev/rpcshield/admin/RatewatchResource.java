package dev.rpcshield.admin;

import dev.rpcshield.admin.AdminRecords.EpisodeRecord;
import dev.rpcshield.ratewatch.Ratewatch;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Throttle episodes, most recently throttled first (this instance's view). */
@Path("/ratewatch")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class RatewatchResource {
  @Inject Ratewatch ratewatch;

  @GET
  @Path("/episodes")
  public List<EpisodeRecord> episodes() {
    return ratewatch.episodes().stream().map(EpisodeRecord::of).toList();
  }
}
