package dev.rpcshield.admin;

import dev.rpcshield.upstream.Network;
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

/**
 * Each network as this instance sees it: its chain, host names, best head and how many of its
 * upstreams are in rotation.
 */
@Path("/networks")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class NetworksResource {
  @Inject Upstreams upstreams;

  @GET
  public String list() {
    JsonArrayBuilder out = Json.createArrayBuilder();
    for (Network n : upstreams.networks()) {
      int inRotation = 0;
      for (Upstream u : n.upstreams()) {
        inRotation += u.breaker().inRotation() ? 1 : 0;
      }
      out.add(
          Json.createObjectBuilder()
              .add("name", n.name())
              .add("chainId", n.chainId())
              .add("default", n == upstreams.defaultNetwork())
              .add("hosts", Json.createArrayBuilder(n.hosts()))
              .add("head", n.bestHead())
              .add("upstreams", n.upstreams().size())
              .add("inRotation", inRotation));
    }
    return out.build().toString();
  }
}
