package dev.rpcshield.identity;

import dev.rpcshield.allowlist.Allowlists;
import java.util.Set;
import java.util.UUID;

/**
 * What the request path knows of a keyed caller: the account, the key, the limits in force (tier
 * with overrides), the networks it may call, and the key's allowlists and secret. An immutable
 * snapshot, cached; never holds the key or the secret itself, only the secret's hash.
 *
 * @param networks the networks its keys may call; empty for every network
 * @param allowlists the key's allowlists; {@link Allowlists#NONE} once its secret was presented
 * @param secretHash SHA-256 hex of the key's secret, or {@code null} when it has none
 * @param secretRequired whether a request without the secret is refused
 */
public record AccountView(
    UUID accountId,
    UUID keyId,
    Tier limits,
    Set<String> networks,
    Allowlists allowlists,
    String secretHash,
    boolean secretRequired) {

  public AccountView {
    networks = Set.copyOf(networks);
  }

  /** A key of an account on every network, without allowlists or secret. */
  public AccountView(UUID accountId, UUID keyId, Tier limits) {
    this(accountId, keyId, limits, Set.of(), Allowlists.NONE, null, false);
  }

  /** Whether its keys may call the network named {@code network}. */
  public boolean mayUse(String network) {
    return networks.isEmpty() || networks.contains(network);
  }

  /** The same key under other limits: its tier was reconfigured. */
  public AccountView withLimits(Tier next) {
    return new AccountView(
        accountId, keyId, next, networks, allowlists, secretHash, secretRequired);
  }

  /** The same key with its allowlists lifted: its secret was presented. */
  public AccountView withoutAllowlists() {
    return new AccountView(
        accountId, keyId, limits, networks, Allowlists.NONE, secretHash, secretRequired);
  }
}
