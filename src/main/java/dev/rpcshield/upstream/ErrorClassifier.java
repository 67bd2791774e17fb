package dev.rpcshield.upstream;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Tells a provider's JSON-RPC error (rate limits, quota, unsupported method: worth another
 * upstream) from the chain's answer (reverted, nonce too low, invalid params: the same everywhere,
 * so it goes straight back to the client).
 */
public final class ErrorClassifier {

  /** Codes providers use for their own limits and gaps (Infura, Alchemy, QuickNode, Chainstack). */
  public static final Set<Integer> DEFAULT_CODES = Set.of(-32005, -32007, -32601, -32098, 429);

  /** Message fragments of provider faults, matched case-insensitively. */
  public static final List<String> DEFAULT_MESSAGES =
      List.of(
          "rate limit",
          "too many requests",
          "request limit",
          "limit exceeded",
          "exceeded the quota",
          "quota exceeded",
          "capacity exceeded",
          "credits",
          "throughput",
          "temporarily unavailable",
          "service unavailable",
          "backend unavailable");

  private final Set<Integer> codes;
  private final List<String> messages;

  public ErrorClassifier(Set<Integer> codes, List<String> messages) {
    this.codes = Set.copyOf(codes);
    this.messages = messages.stream().map(m -> m.toLowerCase(Locale.ROOT)).toList();
  }

  public static ErrorClassifier defaults() {
    return new ErrorClassifier(DEFAULT_CODES, DEFAULT_MESSAGES);
  }

  /** Whether an error answer is the provider's fault rather than the chain's answer. */
  public boolean isProviderFault(Integer code, String message) {
    if (code != null && codes.contains(code)) {
      return true;
    }
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    for (String fragment : messages) {
      if (m.contains(fragment)) {
        return true;
      }
    }
    return false;
  }
}
