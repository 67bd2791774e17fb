package dev.rpcshield.jsonrpc;

/**
 * A batch member (or single request) that is not a valid JSON-RPC 2.0 request. It is answered with
 * its error and the id it carried, when that id could be read.
 */
public record InvalidMember(byte[] rawId, RpcError error) implements Member {

  @Override
  public boolean isNotification() {
    return false;
  }
}
