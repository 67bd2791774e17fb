package dev.rpcshield.identity;

import java.util.UUID;

/**
 * What the request path knows of a keyed caller: the account, the key, and the limits in force
 * (tier with overrides). An immutable snapshot, cached; never holds the key itself.
 */
public record AccountView(UUID accountId, UUID keyId, Tier limits) {}
