package dev.rpcshield.jsonrpc;

/**
 * The body as a whole cannot be served (invalid JSON, empty batch, too large): it is answered with
 * one error object whose id is null.
 */
public final class RpcBodyException extends Exception {
  private final RpcError error;

  public RpcBodyException(RpcError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public RpcError error() {
    return error;
  }
}
