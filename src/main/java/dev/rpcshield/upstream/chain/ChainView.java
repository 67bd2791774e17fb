package dev.rpcshield.upstream.chain;

import dev.rpcshield.upstream.Upstream;
import java.util.List;

/** What verification asks of its network: the block a tag names, and who may vouch for headers. */
public interface ChainView {

  /**
   * The block number {@code tag} names now ({@code latest}, {@code safe}, {@code finalized}, {@code
   * earliest}), by the heads its upstreams reported; -1 when it names none known.
   */
  long blockOf(String tag);

  /** The network's upstreams, in their declared order, to ask for headers. */
  List<Upstream> upstreams();
}
