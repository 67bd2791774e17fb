package dev.rpcshield.jsonrpc;

import java.util.List;

/**
 * A client body after parsing: one request, or a batch of members in the client's order.
 *
 * @param batch whether the client sent an array (answers go back as an array too)
 * @param members the requests in order; for a single request exactly one
 */
public record ParsedBody(boolean batch, List<Member> members) {
  public ParsedBody {
    members = List.copyOf(members);
  }
}
