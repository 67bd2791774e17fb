package dev.rpcshield.sender;

/** A raw transaction the gateway refuses, with a message a user can act on (sent as -32602). */
public final class InvalidTransactionException extends Exception {

  /** Why it was refused. */
  public enum Reason {
    NOT_HEX,
    NOT_DECODABLE,
    UNKNOWN_TYPE,
    HIGH_S,
    UNRECOVERABLE,
    CHAIN_NOT_ALLOWED
  }

  private final Reason reason;

  public InvalidTransactionException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** A transaction that is not decodable, and {@code why}. */
  static InvalidTransactionException notDecodable(String why) {
    return new InvalidTransactionException(
        Reason.NOT_DECODABLE, "transaction is not decodable: " + why);
  }
}
