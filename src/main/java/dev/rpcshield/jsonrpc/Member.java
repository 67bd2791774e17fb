package dev.rpcshield.jsonrpc;

/** One member of a parsed body: a well-formed call, or an invalid member that gets an error. */
public sealed interface Member permits RpcCall, InvalidMember {

  /** The id exactly as the client sent it, or {@code null} when absent or unreadable. */
  byte[] rawId();

  /** True when the member had no id: it gets no response entry unless it was malformed. */
  boolean isNotification();
}
