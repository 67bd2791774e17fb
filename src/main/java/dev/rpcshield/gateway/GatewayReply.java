package dev.rpcshield.gateway;

import java.util.Map;

/**
 * What goes back to the client, whatever the transport: an HTTP status (used by the HTTP endpoint;
 * WebSocket ignores it), the JSON body (empty when only notifications were sent), and headers such
 * as Retry-After.
 */
public record GatewayReply(int status, byte[] body, Map<String, String> headers) {
  public GatewayReply {
    headers = Map.copyOf(headers);
  }
}
