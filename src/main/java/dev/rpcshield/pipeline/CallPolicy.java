package dev.rpcshield.pipeline;

import dev.rpcshield.config.Current;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Whether a call may be made at all, before it costs anything: the method allow-list, and
 * subscriptions only over WebSocket. {@code eth_accounts} is answered here with {@code []} (a
 * gateway holds no accounts).
 */
@ApplicationScoped
public class CallPolicy {
  @Inject Current<GatewayConfig> config;

  public Verdict check(RequestContext ctx, RpcCall call) {
    String method = call.method();
    if (!config.get().methods(ctx.request().network().name()).allows(method)) {
      return refuse(RpcError.of(RpcErrorCode.METHOD_NOT_ALLOWED, method));
    }
    if (!ctx.request().webSocket()
        && (method.equals("eth_subscribe") || method.equals("eth_unsubscribe"))) {
      return refuse(
          RpcError.of(RpcErrorCode.METHOD_NOT_ALLOWED, method + " needs a WebSocket connection"));
    }
    if (method.equals("eth_accounts")) {
      return new Verdict.Answered(RpcWriter.result(call.rawId(), "[]"));
    }
    return Verdict.PROCEED;
  }

  /**
   * The method as metrics and logs name it: names no network allows are {@code other}, never
   * echoed.
   */
  public String metricName(String method) {
    GatewayConfig config = this.config.get();
    if (config.methods().allows(method)) {
      return method;
    }
    for (MethodAllowList list : config.networkMethods().values()) {
      if (list.allows(method)) {
        return method;
      }
    }
    return "other";
  }

  private static Verdict refuse(RpcError error) {
    return Verdict.refused(error, "method");
  }
}
