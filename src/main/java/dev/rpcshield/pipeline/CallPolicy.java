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
   * configuration are {@code other}, never echoed, and names a prefix allows are that prefix's
   * pattern.
   */
  public String metricName(Request request, String method) {
    return metricName(request.config(GatewayConfig.class), method);
  }

  /**
   * {@code method} as metrics name it under {@code config}: itself, the prefix pattern that allows
   * it ({@code txpool_*}), or {@code other} when no allow-list has it.
   */
  public static String metricName(GatewayConfig config, String method) {
    String label = config.methods().label(method);
    if (label != null) {
      return label;
    }
    for (MethodAllowList list : config.networkMethods().values()) {
      label = list.label(method);
      if (label != null) {
        return label;
      }
    }
    return "other";
  }

  private static Verdict refuse(RpcError error) {
    return Verdict.refused(error, "method");
  }
}
