package dev.rpcshield.jsonrpc;

/**
 * Bounds on what a client may send in one HTTP body or WebSocket message.
 *
 * @param maxBodyBytes largest body accepted, in bytes (default 4 MiB); larger gets -32021
 * @param maxBatchSize most members in one batch (default 100); more gets -32014
 * @param maxDepth deepest JSON nesting (default 32)
 * @param maxNumberLength longest number literal in characters (default 100)
 * @param maxStringLength longest string value in characters (default 2 Mi characters, room for a
 *     raw transaction with six blobs in either network form)
 */
public record ParseLimits(
    int maxBodyBytes, int maxBatchSize, int maxDepth, int maxNumberLength, int maxStringLength) {

  public static final ParseLimits DEFAULTS = new ParseLimits(4 << 20, 100, 32, 100, 2 << 20);

  public ParseLimits {
    if (maxBodyBytes < 1 || maxBatchSize < 1 || maxDepth < 2 || maxNumberLength < 1) {
      throw new IllegalArgumentException("parse limits must be positive (depth at least 2)");
    }
    if (maxStringLength < 1) {
      throw new IllegalArgumentException("maxStringLength must be positive");
    }
  }
}
