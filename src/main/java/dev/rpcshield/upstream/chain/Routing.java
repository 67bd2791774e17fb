package dev.rpcshield.upstream.chain;

import dev.rpcshield.upstream.BlockRequirement;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamGroup;
import java.util.List;

/** What the group split asks of the layout it belongs to. */
public interface Routing {

  /** The group that serves {@code method}. */
  UpstreamGroup groupFor(String method);

  /** The order in which a call with this requirement tries the group's upstreams. */
  List<Upstream> order(UpstreamGroup group, BlockRequirement need);

  /**
   * Whether a call of {@code method} goes to the upstreams alone, in no minibatch with others (its
   * answer is compared across upstreams).
   */
  boolean alone(String method);

  /**
   * The block number to answer for {@code eth_blockNumber} when an upstream said {@code answered}:
   * the best known head, never below one answered before.
   */
  long blockNumberToServe(long answered);
}
