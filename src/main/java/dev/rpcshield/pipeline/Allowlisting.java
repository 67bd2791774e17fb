package dev.rpcshield.pipeline;

import dev.rpcshield.allowlist.Allowlists;
import dev.rpcshield.config.DirectBean;
import dev.rpcshield.identity.AccountView;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.sender.InvalidTransactionException;
import dev.rpcshield.sender.SenderConfig;
import dev.rpcshield.sender.SenderThrottle;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * A keyed call against its key's method and contract allowlists, before it costs anything: a method
 * off the list is refused, and with a contract list every address the call names must be on it
 * ({@link CallAddresses}). A batch member is refused alone. The client lists (origin, address,
 * User-Agent) are checked at admission. Refusals name the list, never its entries, and are of class
 * {@code allowlist}; a transaction that cannot be decoded is {@code invalid-transaction}.
 */
@ApplicationScoped
public class Allowlisting extends DirectBean {
  private static final Map<String, String> SHOWN =
      Map.of(
          "origins", "origin",
          "cidrs", "client address",
          "userAgents", "User-Agent",
          "methods", "method",
          "contracts", "contract");

  @Inject SenderThrottle senders;

  /** Reaches its collaborators without their client proxies ({@link DirectBean}). */
  @PostConstruct
  void direct() {
    senders = DirectBean.of(senders);
  }

  /** The error for a refusal by {@code list} (a name in {@link Allowlists#NAMES}). */
  public static RpcError refusal(String list) {
    return new RpcError(
        RpcErrorCode.NOT_ALLOWLISTED,
        "refused by the API key's " + SHOWN.getOrDefault(list, list) + " allowlist");
  }

  public Verdict check(RequestContext ctx, RpcCall call) {
    AccountView view = ctx.caller().account();
    if (view == null || view.allowlists().isEmpty()) {
      return Verdict.PROCEED;
    }
    Allowlists lists = view.allowlists();
    if (!lists.allowsMethod(call.method())) {
      return refuse("methods");
    }
    if (!lists.restrictsContracts()) {
      return Verdict.PROCEED;
    }
    CallAddresses.Named named;
    try {
      // Only a transaction's recipient is read here; Pricing checks its chain against the network.
      named = CallAddresses.of(call, senders.decoder(ctx.config(SenderConfig.class), 0));
    } catch (InvalidTransactionException e) {
      return Verdict.invalid(
          new RpcError(RpcErrorCode.INVALID_PARAMS, e.getMessage()), "invalid-transaction");
    }
    if (named.unbounded()) {
      return refuse("contracts");
    }
    for (String address : named.addresses()) {
      if (!lists.allowsContract(address)) {
        return refuse("contracts");
      }
    }
    return Verdict.PROCEED;
  }

  private static Verdict refuse(String list) {
    return Verdict.refused(refusal(list), "allowlist");
  }
}
