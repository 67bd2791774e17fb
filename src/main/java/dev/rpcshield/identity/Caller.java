package dev.rpcshield.identity;

/**
 * Who sent a request.
 *
 * @param clientIp the client's address (socket address, or from X-Forwarded-For behind a trusted
 *     proxy)
 * @param apiKey the API key presented, or {@code null} for an anonymous caller
 * @param account the account the key belongs to, once admitted; {@code null} for anonymous
 */
public record Caller(String clientIp, String apiKey, AccountView account) {

  public Caller withAccount(AccountView view) {
    return new Caller(clientIp, apiKey, view);
  }

  /** The identity type used in metrics: {@code key} or {@code ip}. */
  public String identityType() {
    return account == null ? "ip" : "key";
  }
}
