package dev.rpcshield.identity;

/**
 * Who sent a request.
 *
 * @param clientIp the client's address (socket address, or from X-Forwarded-For behind a trusted
 *     proxy)
 * @param apiKey the API key presented, or {@code null} for an anonymous caller
 * @param account the account the key belongs to, once admitted; {@code null} for anonymous
 * @param origin the {@code Origin} header (a browser page's), or {@code null}
 * @param userAgent the {@code User-Agent} header, or {@code null}
 * @param secret the key's secret if presented (basic auth password or {@code X-API-Secret}), or
 *     {@code null}
 */
public record Caller(
    String clientIp,
    String apiKey,
    AccountView account,
    String origin,
    String userAgent,
    String secret) {

  /** A caller known only by address and key (no browser headers, no secret). */
  public Caller(String clientIp, String apiKey, AccountView account) {
    this(clientIp, apiKey, account, null, null, null);
  }

  public Caller withAccount(AccountView view) {
    return new Caller(clientIp, apiKey, view, origin, userAgent, secret);
  }

  /** The identity type used in metrics: {@code key} or {@code ip}. */
  public String identityType() {
    return account == null ? "ip" : "key";
  }

  @Override
  public String toString() {
    return "Caller[" + clientIp + ", " + identityType() + "]";
  }
}
