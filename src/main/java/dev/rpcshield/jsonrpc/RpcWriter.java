package dev.rpcshield.jsonrpc;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes the gateway's own JSON-RPC responses; answers from upstreams are spliced, not rebuilt. */
public final class RpcWriter {
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  private RpcWriter() {}

  /** An error response carrying the client's raw id ({@code null} id when it was unreadable). */
  public static byte[] error(byte[] rawId, RpcError error) {
    return error(rawId, error, null, 0);
  }

  /**
   * An error the gateway made, with a {@code data} object naming the request ({@code requestId}),
   * so a user can quote it; none when {@code requestId} is null.
   */
  public static byte[] error(byte[] rawId, RpcError error, String requestId) {
    return error(rawId, error, requestId, 0);
  }

  /**
   * A refusal: the error with a {@code data} object naming the request in the gateway's event log
   * ({@code requestId}) and, when waiting helps, how long in seconds ({@code retryAfterSeconds}).
   */
  public static byte[] refusal(Refusal refusal, byte[] rawId, String requestId) {
    return error(rawId, refusal.error(), requestId, refusal.retryAfterSeconds());
  }

  private static byte[] error(
      byte[] rawId, RpcError error, String requestId, long retryAfterSeconds) {
    StringBuilder sb = new StringBuilder(requestId == null ? 96 : 144);
    sb.append("{\"jsonrpc\":\"2.0\",\"id\":");
    String id = new String(rawId == null ? NULL : rawId, StandardCharsets.UTF_8);
    sb.append(id).append(",\"error\":{\"code\":").append(error.code().code());
    sb.append(",\"message\":\"");
    sb.append(JsonStringEncoder.getInstance().quoteAsString(error.message()));
    sb.append('"');
    if (requestId != null) {
      sb.append(",\"data\":{\"requestId\":\"").append(requestId).append('"');
      if (retryAfterSeconds > 0) {
        sb.append(",\"retryAfterSeconds\":").append(retryAfterSeconds);
      }
      sb.append('}');
    }
    sb.append("}}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A success response whose result is the given JSON value. */
  public static byte[] result(byte[] rawId, String resultJson) {
    String id = new String(rawId == null ? NULL : rawId, StandardCharsets.UTF_8);
    return ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + resultJson + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Joins response objects into a batch array, in the order given. */
  public static byte[] batch(List<byte[]> members) {
    int size = 2 + Math.max(0, members.size() - 1);
    for (byte[] m : members) {
      size += m.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    out.write('[');
    for (int i = 0; i < members.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(members.get(i));
    }
    out.write(']');
    return out.toByteArray();
  }
}
