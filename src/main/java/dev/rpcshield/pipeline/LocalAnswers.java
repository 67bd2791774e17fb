package dev.rpcshield.pipeline;

import dev.rpcshield.config.DirectBean;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.upstream.SubscriptionCaps;
import dev.rpcshield.upstream.Subscriptions;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Calls answered by the gateway itself once charged: {@code eth_subscribe} and {@code
 * eth_unsubscribe}, served from the shared upstream WebSocket with gateway-issued ids.
 */
@ApplicationScoped
public class LocalAnswers extends DirectBean {
  @Inject Subscriptions subscriptions;

  /** Reaches its collaborators without their client proxies ({@link DirectBean}). */
  @PostConstruct
  void direct() {
    subscriptions = DirectBean.of(subscriptions);
  }

  public Verdict answer(RequestContext ctx, RpcCall call) {
    Request request = ctx.request();
    return switch (call.method()) {
      case "eth_subscribe" ->
          new Verdict.Answered(
              subscriptions.subscribe(
                  request.network(),
                  request.sink(),
                  call,
                  request.config(SubscriptionCaps.class),
                  ctx.requestId()));
      case "eth_unsubscribe" ->
          new Verdict.Answered(subscriptions.unsubscribe(request.sink(), call));
      default -> Verdict.PROCEED;
    };
  }
}
