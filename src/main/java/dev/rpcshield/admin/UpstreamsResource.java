package dev.rpcshield.admin;

import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.Upstreams;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Each upstream as this instance sees it, network by network: rotation, chain, head and lag,
 * latency, counters; {@code ?network=} narrows the list to one network. An operator holds an
 * upstream out of rotation and releases it again here, as through JMX: on this instance only.
 */
@Path("/upstreams")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class UpstreamsResource {
  private static final Logger LOG = Logger.getLogger(UpstreamsResource.class.getName());

  @Inject Upstreams upstreams;
  @Context HttpServletRequest http;

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

  /** Takes the upstream out of rotation until released, whatever its health; answers its row. */
  @POST
  @Path("/{name}/hold")
  public String hold(@PathParam("name") String name) {
    return changed(name, "held", u -> u.breaker().hold());
  }

  /** Ends an operator's hold; a failing upstream still has to pass a probe. Answers its row. */
  @POST
  @Path("/{name}/release")
  public String release(@PathParam("name") String name) {
    return changed(name, "released", u -> u.breaker().release());
  }

  private String changed(String name, String what, Consumer<Upstream> change) {
    for (Network n : upstreams.networks()) {
      for (Upstream u : n.upstreams()) {
        if (u.name().equals(name)) {
          change.accept(u);
          LOG.info(() ->
              "upstream "
                  + name
                  + " "
                  + what
                  + " through the admin API by admin@"
                  + http.getRemoteAddr());
          return row(n, u).build().toString();
        }
      }
    }
    throw AdminJson.notFound("upstream");
  }

  private static void add(JsonArrayBuilder out, Network network) {
    for (Upstream u : network.upstreams()) {
      out.add(row(network, u));
    }
  }

  private static JsonObjectBuilder row(Network network, Upstream u) {
    long best = network.bestHead();
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
    return row;
  }
}
