package dev.rpcshield.admin;

import dev.rpcshield.admin.AdminRecords.UpstreamRecord;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.Upstreams;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
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
  public List<UpstreamRecord> list(@QueryParam("network") String only) {
    if (only != null && upstreams.network(only) == null) {
      throw AdminJson.notFound("network");
    }
    List<UpstreamRecord> out = new ArrayList<>();
    for (Network n : upstreams.networks()) {
      if (only == null || only.equals(n.name())) {
        n.upstreams().forEach(u -> out.add(UpstreamRecord.of(n, u)));
      }
    }
    return out;
  }

  /** Takes the upstream out of rotation until released, whatever its health; answers its row. */
  @POST
  @Path("/{name}/hold")
  public UpstreamRecord hold(@PathParam("name") String name) {
    return changed(name, "held", u -> u.breaker().hold());
  }

  /** Ends an operator's hold; a failing upstream still has to pass a probe. Answers its row. */
  @POST
  @Path("/{name}/release")
  public UpstreamRecord release(@PathParam("name") String name) {
    return changed(name, "released", u -> u.breaker().release());
  }

  private UpstreamRecord changed(String name, String what, Consumer<Upstream> change) {
    for (Network n : upstreams.networks()) {
      for (Upstream u : n.upstreams()) {
        if (u.name().equals(name)) {
          change.accept(u);
          LOG.info(() ->
              "upstream "
                  + name
                  + " "
                  + what
                  + " through the admin API by "
                  + AdminTokenFilter.actor(http));
          return UpstreamRecord.of(n, u);
        }
      }
    }
    throw AdminJson.notFound("upstream");
  }
}
