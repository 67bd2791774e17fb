package dev.rpcshield.jsonrpc;

import java.util.Objects;

/**
 * A JSON-RPC error object as the gateway sends it: a catalogued code and a message meant for the
 * caller. Never carries secrets (keys, upstream URLs with credentials).
 */
public record RpcError(RpcErrorCode code, String message) {

  public RpcError {
    Objects.requireNonNull(code, "code");
    message = message == null || message.isBlank() ? code.defaultMessage() : message;
  }

  public static RpcError of(RpcErrorCode code) {
    return new RpcError(code, code.defaultMessage());
  }

  public static RpcError of(RpcErrorCode code, String detail) {
    return new RpcError(code, code.defaultMessage() + ": " + detail);
  }
}
