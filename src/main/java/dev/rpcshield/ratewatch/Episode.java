package dev.rpcshield.ratewatch;

import java.time.Instant;

/**
 * Refusals of one (class, key) series: class {@code user} keyed by account id, {@code ip} by client
 * address, {@code sender} by transaction sender.
 */
public record Episode(
    String refusalClass, String key, long count, Instant firstSeen, Instant lastSeen) {}
