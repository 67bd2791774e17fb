package dev.rpcshield.pipeline;

import dev.rpcshield.config.Generation;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.telemetry.Trace;
import dev.rpcshield.upstream.ClientSink;
import dev.rpcshield.upstream.Network;

/**
 * What a transport hands the pipeline: one HTTP body or one WebSocket message, from an admitted
 * caller, for one network, under one configuration.
 *
 * @param body the client's bytes; only the first {@code length} are the message
 * @param sink the client's WebSocket connection, which subscriptions push to; null over HTTP
 * @param network the network the path or host named
 * @param generation the configuration it is served under, taken once when the request began; every
 *     stage and every piece of its work, on whichever thread, reads its configuration from it
 * @param requestId the id its answer and log lines carry; null for a WebSocket message, whose id is
 *     made if it gets an error
 * @param trace its trace, which its stages and upstream attempts add spans to
 */
public record Request(
    byte[] body,
    int length,
    Caller caller,
    ClientSink sink,
    Network network,
    Generation generation,
    String requestId,
    Trace trace) {

  /** A request whose work is not traced. */
  public Request(
      byte[] body,
      int length,
      Caller caller,
      ClientSink sink,
      Network network,
      Generation generation,
      String requestId) {
    this(body, length, caller, sink, network, generation, requestId, Trace.NONE);
  }

  /** Whether the request came over a WebSocket connection. */
  public boolean webSocket() {
    return sink != null;
  }

  /** Its configuration's record of type {@code part}. */
  public <T> T config(Class<T> part) {
    return generation.get(part);
  }
}
