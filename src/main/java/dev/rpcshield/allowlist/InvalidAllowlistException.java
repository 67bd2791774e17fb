package dev.rpcshield.allowlist;

/** An allowlist entry that cannot be used, naming the list and why (safe to show the operator). */
public final class InvalidAllowlistException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String list;

  public InvalidAllowlistException(String list, String message) {
    super(message);
    this.list = list;
  }

  /** The list's field name: origins, cidrs, userAgents, methods or contracts. */
  public String list() {
    return list;
  }
}
