package dev.rpcshield.jsonrpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A well-formed JSON-RPC request inside a client's body. It keeps offsets into the client's bytes
 * instead of a tree, so the gateway forwards what the client sent and reads params only when a
 * policy needs them.
 */
public final class RpcCall implements Member {
  private static final JsonFactory PARAMS = new JsonFactory();
  private final byte[] body;
  private final int start;
  private final int end;
  private final String method;
  private final int idStart;
  private final int idEnd;
  private final int paramsStart;
  private final int paramsEnd;

  RpcCall(
      byte[] body,
      int start,
      int end,
      String method,
      int idStart,
      int idEnd,
      int paramsStart,
      int paramsEnd) {
    this.body = body;
    this.start = start;
    this.end = end;
    this.method = method;
    this.idStart = idStart;
    this.idEnd = idEnd;
    this.paramsStart = paramsStart;
    this.paramsEnd = paramsEnd;
  }

  /**
   * A call the gateway makes itself (one chunk of a split eth_getLogs): {@code paramsJson} is the
   * params array as JSON text, written into the body as it is.
   */
  public static RpcCall of(String method, String paramsJson) {
    String head = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":";
    byte[] body = (head + paramsJson + "}").getBytes(StandardCharsets.UTF_8);
    int idStart = "{\"jsonrpc\":\"2.0\",\"id\":".length();
    int paramsStart = head.getBytes(StandardCharsets.UTF_8).length;
    return new RpcCall(
        body, 0, body.length, method, idStart, idStart + 1, paramsStart, body.length - 1);
  }

  public String method() {
    return method;
  }

  /**
   * Whether it submits a signed transaction: {@code eth_sendRawTransaction}, or EIP-7966's {@code
   * eth_sendRawTransactionSync} (the same param, answered with the receipt). Both are decoded and
   * throttled by sender, and never sent twice.
   */
  public boolean submitsTransaction() {
    return method.equals("eth_sendRawTransaction") || method.equals("eth_sendRawTransactionSync");
  }

  @Override
  public byte[] rawId() {
    return idStart < 0 ? null : Arrays.copyOfRange(body, idStart, idEnd);
  }

  @Override
  public boolean isNotification() {
    return idStart < 0;
  }

  /** The params value (array or object) as sent, or {@code null} when the request had none. */
  public byte[] rawParams() {
    return paramsStart < 0 ? null : Arrays.copyOfRange(body, paramsStart, paramsEnd);
  }

  /**
   * The first param when params is an array whose first element is a string (a raw transaction, a
   * subscription id); otherwise {@code null}.
   */
  public String firstStringParam() {
    if (paramsStart < 0 || body[paramsStart] != '[') {
      return null;
    }
    try (JsonParser p = PARAMS.createParser(body, paramsStart, paramsEnd - paramsStart)) {
      p.nextToken();
      return p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The request object exactly as the client sent it. */
  public byte[] rawBytes() {
    return Arrays.copyOfRange(body, start, end);
  }

  /** Size of the request object in bytes. */
  public int size() {
    return end - start;
  }

  /**
   * The client's request with its id replaced by (or, for a notification, given) the gateway's own
   * numeric id, so answers from upstream batches and shared connections are matched without relying
   * on how an upstream re-serialises ids.
   */
  public byte[] withId(long gatewayId) {
    byte[] id = Long.toString(gatewayId).getBytes(StandardCharsets.US_ASCII);
    if (idStart >= 0) {
      byte[] out = new byte[(idStart - start) + id.length + (end - idEnd)];
      System.arraycopy(body, start, out, 0, idStart - start);
      System.arraycopy(id, 0, out, idStart - start, id.length);
      System.arraycopy(body, idEnd, out, idStart - start + id.length, end - idEnd);
      return out;
    }
    byte[] prefix = ("{\"id\":" + gatewayId + ",").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[prefix.length + (end - start - 1)];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(body, start + 1, out, prefix.length, end - start - 1);
    return out;
  }

  @Override
  public String toString() {
    return "RpcCall[" + method + "]";
  }
}
