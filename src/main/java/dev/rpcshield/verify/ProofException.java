package dev.rpcshield.verify;

/**
 * Thrown when an answer does not prove what it claims, or is malformed. The message is short and
 * safe to log: it names what failed, never the bytes that failed it; no stack trace is taken, a
 * refusal being an answer rather than a fault.
 */
public class ProofException extends Exception {
  /** A refusal saying, in a few words, what did not verify. */
  public ProofException(String message) {
    super(message, null, false, false);
  }
}
