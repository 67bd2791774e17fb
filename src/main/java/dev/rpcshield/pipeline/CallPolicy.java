package dev.rpcshield.pipeline;

import dev.rpcshield.config.DirectBean;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcWriter;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether a call may be made at all, before it costs anything: the method allow-list, and
 * subscriptions only over WebSocket, under the request's configuration. {@code eth_accounts} is
 * answered here with {@code []} (a gateway holds no accounts).
 */
@ApplicationScoped
public class CallPolicy extends DirectBean {
  public Verdict check(RequestContext ctx, RpcCall call) {
    String method = call.method();
    GatewayConfig config = ctx.config(GatewayConfig.class);
    if (!config.methods(ctx.request().network().name()).allows(method)) {
      return refuse(
          new RpcError(
              RpcErrorCode.METHOD_NOT_ALLOWED,
              "the method " + method + " does not exist/is not available"));
    }
    if (!ctx.request().webSocket()
        && (method.equals("eth_subscribe") || method.equals("eth_unsubscribe"))) {
      return refuse(
          new RpcError(
              RpcErrorCode.METHOD_NOT_ALLOWED,
              "the method " + method + " is not available over HTTP: it needs a WebSocket"));
    }
    if (method.equals("eth_accounts")) {
      return new Verdict.Answered(RpcWriter.result(call.rawId(), "[]"));
    }
    return Verdict.PROCEED;
  }

  /**
   * The method as metrics and logs name it: names no network allows under the request's
   * configuration are {@code other}, never echoed.
   */
  public String metricName(Request request, String method) {
    GatewayConfig config = request.config(GatewayConfig.class);
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
