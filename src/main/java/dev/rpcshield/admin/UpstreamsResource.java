package dev.rpcshield.admin;

import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.Upstreams;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Each upstream as this instance sees it: rotation, head and lag, latency, counters. */
@Path("/upstreams")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class UpstreamsResource {
  @Inject Upstreams upstreams;

  @GET
  public String list() {
    long best = upstreams.heads().bestHead(upstreams.all());
    JsonArrayBuilder out = Json.createArrayBuilder();
    for (Upstream u : upstreams.all()) {
      long head = u.head().latest();
      out.add(
          Json.createObjectBuilder()
              .add("name", u.name())
              .add("state", u.breaker().shownState())
              .add("inRotation", u.breaker().inRotation())
              .add("lagging", u.head().lagging())
              .add("head", head)
              .add("lag", head < 0 || best < 0 ? -1 : best - head)
              .add("safe", u.head().safe())
              .add("finalized", u.head().finalized())
              .add("latencyMillis", u.latencyMillis())
              .add("requests", u.requests())
              .add("failures", u.failures())
              .add("hedges", u.hedges())
              .add("lastFailure", u.breaker().lastFailure()));
    }
    return out.build().toString();
  }
}
