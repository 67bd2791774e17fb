package dev.rpcshield.upstream;

import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.UpstreamReply;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of subscription frames the gateway reads or rewrites: the params a subscription is made
 * with, the id an upstream gives it, the id a client gets instead, and that id put in a
 * notification.
 */
final class SubscriptionFrames {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern SUBSCRIPTION =
      Pattern.compile("\"subscription\"\\s*:\\s*\"([^\"]*)\"");

  private SubscriptionFrames() {}

  /**
   * {@code message} with the subscription id {@code upstreamId} in it replaced by {@code clientId}.
   */
  static byte[] withSubscriptionId(byte[] message, String upstreamId, String clientId) {
    String text = new String(message, StandardCharsets.UTF_8);
    Matcher m = SUBSCRIPTION.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(upstreamId)) {
        return (text.substring(0, m.start(1)) + clientId + text.substring(m.end(1)))
            .getBytes(StandardCharsets.UTF_8);
      }
    }
    return message;
  }

  /** The call's params as JSON, {@code []} when it has none. */
  static String params(RpcCall call) {
    byte[] p = call.rawParams();
    return p == null ? "[]" : new String(p, StandardCharsets.UTF_8);
  }

  /** The subscription id in an eth_subscribe answer, or null when it is an error or no id. */
  static String upstreamId(UpstreamReply reply) {
    UpstreamReply.Answer a = reply.answers().get(0);
    String json = a.isError() ? null : reply.resultJson(a);
    if (json == null || json.length() < 2 || json.charAt(0) != '"') {
      return null;
    }
    return json.substring(1, json.length() - 1);
  }

  /** A fresh subscription id for a client: 16 random bytes in hex. */
  static String clientId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return "0x" + HexFormat.of().formatHex(b);
  }
}
