package dev.rpcshield.admin;

import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.Upstreams;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Each upstream as this instance sees it, network by network: rotation, chain, head and lag,
 * latency, counters; {@code ?network=} narrows the list to one network.
 */
@Path("/upstreams")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class UpstreamsResource {
  @Inject Upstreams upstreams;

  @GET
  public String list(@QueryParam("network") String only) {
    if (only != null && upstreams.network(only) == null) {
      throw AdminJson.notFound("network");
    }
    JsonArrayBuilder out = Json.createArrayBuilder();
    for (Network n : upstreams.networks()) {
      if (only == null || only.equals(n.name())) {
        add(out, n);
      }
    }
    return out.build().toString();
  }

  private static void add(JsonArrayBuilder out, Network network) {
    long best = network.bestHead();
    for (Upstream u : network.upstreams()) {
      long head = u.head().latest();
      JsonObjectBuilder row =
          Json.createObjectBuilder()
              .add("name", u.name())
              .add("network", network.name())
              .add("chainId", u.chainId())
              .add("seenChainId", u.seenChainId())
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
              .add("disagreements", u.disagreements())
              .add("txRefusals", u.transactionRefusals())
              .add("calls", network.callsGoOver(u))
              .add("lastFailure", u.breaker().lastFailure());
      long stateFrom = u.stateFrom();
      if (stateFrom > 0) {
        row.add("stateFrom", stateFrom);
      } else {
        row.addNull("stateFrom");
      }
      out.add(row);
    }
  }
}
