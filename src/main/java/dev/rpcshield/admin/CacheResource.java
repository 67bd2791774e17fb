package dev.rpcshield.admin;

import dev.rpcshield.admin.AdminRecords.CacheRecord;
import dev.rpcshield.pipeline.Caching;
import dev.rpcshield.telemetry.CacheMetrics;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The response cache on this instance since start: hits, misses and their ratio (the console's).
 */
@Path("/cache")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class CacheResource {
  @Inject Caching caching;
  @Inject CacheMetrics metrics;

  @GET
  public CacheRecord stats() {
    long[] hm = metrics.hitsAndMisses();
    long looked = hm[0] + hm[1];
    return new CacheRecord(
        caching.enabled(), hm[0], hm[1], looked == 0 ? -1 : (double) hm[0] / looked);
  }
}
