package dev.rpcshield.verify;

/**
 * What no answer could prove, however honest its upstream: a block with uncles (before the merge),
 * a transaction of a type the gateway does not know. Not a sign of a lying upstream.
 */
public final class CannotProve extends ProofException {
  public CannotProve(String message) {
    super(message);
  }
}
