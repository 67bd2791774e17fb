package dev.rpcshield.identity;

import java.util.Set;
import java.util.UUID;

/**
 * What the request path knows of a keyed caller: the account, the key, the limits in force (tier
 * with overrides) and the networks it may call. An immutable snapshot, cached; never holds the key
 * itself.
 *
 * @param networks the networks its keys may call; empty for every network
 */
public record AccountView(UUID accountId, UUID keyId, Tier limits, Set<String> networks) {

  public AccountView {
    networks = Set.copyOf(networks);
  }

  /** Whether its keys may call the network named {@code network}. */
  public boolean mayUse(String network) {
    return networks.isEmpty() || networks.contains(network);
  }
}
