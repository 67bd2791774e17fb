package dev.rpcshield.upstream.chain;

import dev.rpcshield.jsonrpc.ParseLimits;
import dev.rpcshield.jsonrpc.RpcBodyException;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcParser;
import java.nio.charset.StandardCharsets;

/** Calls as a client sends them, parsed as the gateway parses them. */
final class ClientCalls {
  private static final RpcParser PARSER = new RpcParser(ParseLimits.DEFAULTS);

  private ClientCalls() {}

  /** A request with the client's id {@code id}. */
  static RpcCall call(int id, String method, String paramsJson) {
    return parse(
        "{\"jsonrpc\":\"2.0\",\"id\":"
            + id
            + ",\"method\":\""
            + method
            + "\",\"params\":"
            + paramsJson
            + "}");
  }

  /** A notification: no id, no answer. */
  static RpcCall notification(String method, String paramsJson) {
    return parse(
        "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}");
  }

  private static RpcCall parse(String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    try {
      return (RpcCall) PARSER.parse(body, body.length).members().get(0);
    } catch (RpcBodyException e) {
      throw new AssertionError(json, e);
    }
  }

  /** What an answer or failure body says, as text (a refusal has none: the pipeline writes it). */
  static String text(CallResult result) {
    byte[] body =
        switch (result) {
          case CallResult.Answer a -> a.body();
          case CallResult.Refused r -> throw new AssertionError("refused: " + r.refusal());
          case CallResult.Failure f -> f.body();
        };
    return body == null ? null : new String(body, StandardCharsets.UTF_8);
  }
}
