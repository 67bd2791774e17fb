package dev.rpcshield.identity;

/**
 * What a tier allows; an account's overrides replace single values.
 *
 * @param rps requests per second (token bucket refill)
 * @param burst bucket size
 * @param cuPerSecond compute units per second, 0 for no limit
 * @param monthlyCu compute units per calendar month (UTC), 0 for no quota
 * @param wsConnections concurrent WebSocket connections, 0 for no cap
 * @param senderExempt whether its transactions skip the per-sender throttle
 */
public record Tier(
    String name,
    double rps,
    long burst,
    double cuPerSecond,
    long monthlyCu,
    int wsConnections,
    boolean senderExempt) {}
