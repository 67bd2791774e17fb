package dev.rpcshield.pipeline;

import dev.rpcshield.config.DirectBean;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.limit.Limits;
import dev.rpcshield.limit.LimitsConfig;
import dev.rpcshield.limit.Rule;
import dev.rpcshield.sender.InvalidTransactionException;
import dev.rpcshield.sender.SenderConfig;
import dev.rpcshield.sender.SenderThrottle;
import dev.rpcshield.sender.SignedTransaction;
import dev.rpcshield.upstream.Network;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * What a call costs under the request's configuration: the caller's rate rules, the per-method
 * rule, compute units, and for a transaction submission ({@link RpcCall#submitsTransaction}) the
 * rule of its recovered sender. A transaction that cannot be decoded is refused here (-32602), so
 * it never reaches an upstream.
 */
@ApplicationScoped
public class Pricing extends DirectBean {
  @Inject Limits limits;
  @Inject SenderThrottle senders;

  /** Reaches its collaborators without their client proxies ({@link DirectBean}). */
  @PostConstruct
  void direct() {
    limits = DirectBean.of(limits);
    senders = DirectBean.of(senders);
  }

  /** Prices the member's call on the request's network, or refuses it as invalid. */
  public Verdict price(RequestContext ctx, MemberOutcome member) {
    RpcCall call = member.call();
    Caller caller = ctx.caller();
    Network network = ctx.request().network();
    LimitsConfig config = ctx.config(LimitsConfig.class);
    List<Rule> rules = new ArrayList<>(limits.rulesFor(config, caller, call.method()));
    String sender = null;
    if (call.submitsTransaction()) {
      SenderConfig senderConfig = ctx.config(SenderConfig.class);
      try {
        SignedTransaction tx =
            senders.decoder(senderConfig, network.chainId()).decode(call.firstStringParam());
        sender = tx.sender();
        Rule senderRule = senders.ruleFor(senderConfig, network.name(), tx);
        boolean exempt = caller.account() != null && caller.account().limits().senderExempt();
        if (senderRule != null && !exempt) {
          rules.add(senderRule);
        }
      } catch (InvalidTransactionException e) {
        return Verdict.invalid(
            new RpcError(RpcErrorCode.INVALID_PARAMS, e.getMessage()), "invalid-transaction");
      }
    }
    member.priced(new Price(rules, config.computeUnits().of(call.method()), sender));
    return Verdict.PROCEED;
  }
}
