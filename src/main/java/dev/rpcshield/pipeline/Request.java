package dev.rpcshield.pipeline;

import dev.rpcshield.identity.Caller;
import dev.rpcshield.upstream.ClientSink;
import dev.rpcshield.upstream.Network;

/**
 * What a transport hands the pipeline: one HTTP body or one WebSocket message, from an admitted
 * caller, for one network.
 *
 * @param body the client's bytes; only the first {@code length} are the message
 * @param sink the client's WebSocket connection, which subscriptions push to; null over HTTP
 * @param network the network the path or host named
 */
public record Request(byte[] body, int length, Caller caller, ClientSink sink, Network network) {

  /** Whether the request came over a WebSocket connection. */
  public boolean webSocket() {
    return sink != null;
  }
}
