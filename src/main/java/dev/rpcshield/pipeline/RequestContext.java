package dev.rpcshield.pipeline;

import dev.rpcshield.identity.Caller;
import dev.rpcshield.telemetry.RequestIds;

/**
 * What the stages know of the request a member belongs to: who sent it, over which transport, and
 * the id that ties its answer and log lines together (an HTTP request's, taken when it arrived; a
 * WebSocket message's, made on its first error, so served messages pay nothing for it).
 */
public final class RequestContext {
  private final Request request;
  private String requestId;

  public RequestContext(Request request) {
    this.request = request;
    this.requestId = request.requestId();
  }

  public Caller caller() {
    return request.caller();
  }

  public Request request() {
    return request;
  }

  /** The request's configuration record of type {@code part}. */
  public <T> T config(Class<T> part) {
    return request.config(part);
  }

  /** This request's id in the event log. */
  public String requestId() {
    if (requestId == null) {
      requestId = RequestIds.next();
    }
    return requestId;
  }
}
