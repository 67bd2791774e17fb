package dev.rpcshield.pipeline;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.account.ApiKeys;
import dev.rpcshield.account.DatabaseUnavailableException;
import dev.rpcshield.account.KeyDirectory;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.identity.AccountView;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.identity.CallerTokens;
import dev.rpcshield.identity.JwtVerifier;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;

/**
 * Decides whether a caller may be served at all, before any parsing: a blocked address is refused
 * (403) first; a presented key must be well formed, known and not revoked (else 401, never served
 * as anonymous), and its account enabled and allowed the network asked for (else 403). A key the
 * cache does not know while the account database is unreachable gets 503: it can be neither
 * admitted nor refused. A known key's secret, if presented, must be right and lifts the key's
 * allowlists; otherwise the key's origin, address and User-Agent allowlists apply here (at the
 * WebSocket handshake too), its method and contract lists per call ({@link Allowlisting}). A JSON
 * Web Token, when callers' tokens are on, is checked instead of a key ({@link CallerTokens}): a
 * refused one is 401 naming the check; a valid one is its subject's account (made on first use when
 * so configured), limited by the tier the token names. A refusal is a value (class {@code
 * blocklist}, {@code database}, {@code disabled}, {@code key}, {@code token}, {@code secret},
 * {@code allowlist} or {@code network}) that the caller records.
 */
@ApplicationScoped
public class Admission extends DirectBean {
  @Inject Accounts accounts;
  @Inject CallerTokens tokens;

  /** Reaches its collaborators without their client proxies ({@link DirectBean}). */
  @PostConstruct
  void direct() {
    accounts = DirectBean.of(accounts);
  }

  /**
   * The admitted caller, or the refusal (null when admitted) with the caller it counts against:
   * with its account once the key is known.
   */
  public record Result(Caller caller, Refusal refusal) {}

  /** Admits {@code caller} to the network named {@code network}, or says why not. */
  public Result admit(Caller caller, String network) {
    KeyDirectory directory = accounts.directory();
    if (directory.blocked(caller.clientIp())) {
      return refuse(caller, RpcError.of(RpcErrorCode.FORBIDDEN, "address is blocked"), "blocklist");
    }
    if (caller.apiKey() == null) {
      return new Result(caller, null);
    }
    boolean token = tokens.isToken(caller.apiKey());
    KeyDirectory.Resolution r;
    try {
      if (token) {
        JwtVerifier.Verdict verdict = tokens.verify(caller.apiKey());
        if (verdict instanceof JwtVerifier.Invalid invalid) {
          return refuse(
              caller,
              RpcError.of(RpcErrorCode.UNAUTHORIZED, "token refused: " + invalid.check()),
              "token");
        }
        JwtVerifier.Valid valid = (JwtVerifier.Valid) verdict;
        r =
            directory.resolveSubject(
                tokens.config().subject(valid.account()),
                valid.account(),
                tokens.config().autoCreate(),
                valid.tier());
      } else {
        r = directory.resolve(caller.apiKey());
      }
    } catch (DatabaseUnavailableException | FaultToleranceException e) {
      return new Result(
          caller,
          new Refusal(
              RpcError.of(
                  RpcErrorCode.ACCOUNTS_UNAVAILABLE,
                  "the account database is unavailable, try again"),
              "database",
              null,
              DatabaseUnavailableException.RETRY_AFTER_SECONDS));
    }
    return switch (r.status()) {
      case OK -> keyed(caller.withAccount(r.view()), network);
      case DISABLED ->
          refuse(caller, RpcError.of(RpcErrorCode.FORBIDDEN, "account is disabled"), "disabled");
      case REVOKED ->
          refuse(caller, RpcError.of(RpcErrorCode.UNAUTHORIZED, "API key is revoked"), "key");
      case MALFORMED ->
          refuse(caller, RpcError.of(RpcErrorCode.UNAUTHORIZED, "API key is malformed"), "key");
      case UNKNOWN ->
          token
              ? refuse(
                  caller,
                  RpcError.of(RpcErrorCode.UNAUTHORIZED, "token refused: unknown account"),
                  "token")
              : refuse(caller, RpcError.of(RpcErrorCode.UNAUTHORIZED, "API key is unknown"), "key");
    };
  }

  /**
   * A known key's secret and client allowlists: the right secret lifts the allowlists, a wrong one
   * is 401, none is 401 for a key that requires it; then the origin, address and User-Agent lists.
   */
  private Result keyed(Caller caller, String network) {
    AccountView view = caller.account();
    if (caller.secret() != null) {
      if (view.secretHash() == null
          || !MessageDigest.isEqual(
              view.secretHash().getBytes(StandardCharsets.US_ASCII),
              ApiKeys.hash(caller.secret()).getBytes(StandardCharsets.US_ASCII))) {
        return refuse(
            caller, RpcError.of(RpcErrorCode.UNAUTHORIZED, "API key secret is wrong"), "secret");
      }
      return onNetwork(caller.withAccount(view.withoutAllowlists()), network);
    }
    if (view.secretRequired()) {
      return refuse(
          caller,
          RpcError.of(RpcErrorCode.UNAUTHORIZED, "this API key requires its secret"),
          "secret");
    }
    String list =
        view.allowlists().refusesClient(caller.origin(), caller.clientIp(), caller.userAgent());
    return list == null
        ? onNetwork(caller, network)
        : refuse(caller, Allowlisting.refusal(list), "allowlist");
  }

  private Result onNetwork(Caller caller, String network) {
    if (caller.account().mayUse(network)) {
      return new Result(caller, null);
    }
    return refuse(
        caller,
        RpcError.of(
            RpcErrorCode.FORBIDDEN, "this key's account may not call network '" + network + "'"),
        "network");
  }

  private static Result refuse(Caller caller, RpcError error, String refusalClass) {
    return new Result(caller, Refusal.of(error, refusalClass));
  }
}
