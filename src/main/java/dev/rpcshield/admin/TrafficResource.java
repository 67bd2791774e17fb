package dev.rpcshield.admin;

import dev.rpcshield.telemetry.TrafficHistory;
import dev.rpcshield.telemetry.TrafficSampler;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * This instance's traffic over the last 30 minutes, one value per 5 seconds: calls per second, the
 * share the gateway failed to answer, the cache hit ratio, refusals per second by class, and each
 * upstream's attempts per second, failed share, p50 and p99 (the console's charts).
 */
@Path("/traffic")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class TrafficResource {
  @Inject TrafficSampler sampler;

  @GET
  public TrafficHistory.Series traffic() {
    return sampler.series();
  }
}
