package dev.rpcshield.http;

import dev.rpcshield.account.DatabaseUnavailableException;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.limit.Decision;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code X-RateLimit-*} for the decision shown to the client, and {@code Retry-After} when it
 * refused, or when the gateway cannot decide for now (the account database is unreachable).
 */
final class RateLimitHeaders {
  private RateLimitHeaders() {}

  static Map<String, String> of(Decision d) {
    if (d == null || d.rule() == null) {
      return Map.of();
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put("X-RateLimit-Limit", Long.toString(d.limit()));
    h.put("X-RateLimit-Remaining", Long.toString(Math.max(0, d.remaining())));
    h.put("X-RateLimit-Reset", Long.toString(d.resetEpochSecond()));
    if (!d.allowed()) {
      h.put("Retry-After", Long.toString(d.retryAfterSeconds()));
    }
    return h;
  }

  static Map<String, String> of(RpcError refusal) {
    return refusal.code() == RpcErrorCode.ACCOUNTS_UNAVAILABLE
        ? Map.of("Retry-After", Long.toString(DatabaseUnavailableException.RETRY_AFTER_SECONDS))
        : Map.of();
  }
}
