package dev.rpcshield.admin;

import dev.rpcshield.admin.AdminRecords.NetworkRecord;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.Upstreams;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;

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
  public List<NetworkRecord> list() {
    List<NetworkRecord> out = new ArrayList<>();
    for (Network n : upstreams.networks()) {
      int inRotation = 0;
      for (Upstream u : n.upstreams()) {
        inRotation += u.breaker().inRotation() ? 1 : 0;
      }
      out.add(
          new NetworkRecord(
              n.name(),
              n.chainId(),
              n == upstreams.defaultNetwork(),
              List.copyOf(n.hosts()),
              n.bestHead(),
              n.upstreams().size(),
              inRotation));
    }
    return out;
  }
}
