package dev.rpcshield.pipeline;

import dev.rpcshield.config.DirectBean;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.limit.Decision;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * The last stage: one reply from the settled members. A single request gets its own status (200 for
 * a refusal about the call itself, by default); a batch is 200 with an entry per answered member in
 * the client's order (none for notifications). The decision shown is the first charged member's, or
 * the first refused one's.
 */
@ApplicationScoped
public class Replies extends DirectBean {
  private static final byte[] EMPTY = new byte[0];

  public GatewayReply assemble(boolean batch, List<MemberOutcome> members) {
    Decision shown = shown(members);
    if (!batch) {
      MemberOutcome only = members.get(0);
      return only.body() == null
          ? new GatewayReply(200, EMPTY, shown)
          : new GatewayReply(only.status(), only.body(), shown, only.cacheStatus());
    }
    List<byte[]> entries = new ArrayList<>(members.size());
    for (MemberOutcome m : members) {
      if (m.body() != null) {
        entries.add(m.body());
      }
    }
    return new GatewayReply(200, entries.isEmpty() ? EMPTY : RpcWriter.batch(entries), shown);
  }

  /**
   * The reply to a body refused as a whole (not JSON, too large, empty batch) or before it is read
   * (admission, transport): id null.
   */
  public static GatewayReply refused(RpcError error) {
    return refused(error, null);
  }

  /** {@link #refused(RpcError)} naming the request in the error's {@code data} (when not null). */
  public static GatewayReply refused(RpcError error, String requestId) {
    return new GatewayReply(
        error.code().httpStatus(), RpcWriter.error(null, error, requestId), null);
  }

  /** {@link #refused(RpcError)} for a body over a limit: the refusal names the request. */
  static GatewayReply refused(Refusal limit, RequestContext ctx) {
    return new GatewayReply(limit.status(), RpcWriter.refusal(limit, null, ctx.requestId()), null);
  }

  private static Decision shown(List<MemberOutcome> members) {
    Decision shown = null;
    for (MemberOutcome m : members) {
      Decision d = m.decision();
      if (d != null && (shown == null || !d.allowed() && shown.allowed())) {
        shown = d;
      }
    }
    return shown;
  }
}
