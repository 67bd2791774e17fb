package dev.rpcshield.pipeline;

import dev.rpcshield.limit.Decision;

/**
 * What goes back to the client, whatever the transport: an HTTP status (used by the HTTP endpoint;
 * WebSocket ignores it), the JSON body (empty when only notifications were sent), and the limiter
 * decision shown to the client, from which the HTTP endpoint renders {@code X-RateLimit-*} and
 * {@code Retry-After}.
 *
 * @param decision the tightest rule's decision, the first refusal's if any member was refused; null
 *     when no rule applied
 * @param cache {@code HIT} or {@code MISS} for a single request the cache saw (the {@code X-Cache}
 *     header), else null
 */
public record GatewayReply(int status, byte[] body, Decision decision, String cache) {

  public GatewayReply(int status, byte[] body, Decision decision) {
    this(status, body, decision, null);
  }
}
