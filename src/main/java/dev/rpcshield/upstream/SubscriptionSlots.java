package dev.rpcshield.upstream;

import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The subscriptions each connection and each account hold or are opening. A slot is taken before an
 * {@code eth_subscribe} call goes upstream and given back when the call fails or the subscription
 * ends, so {@link SubscriptionCaps} hold for calls in flight at once (a client that pipelines them
 * would otherwise pass the count of open subscriptions on every call).
 */
final class SubscriptionSlots {
  /** By identity: each connection is its own, whatever its sink's equals says. */
  private final Map<ClientSink, Integer> perConnection = new IdentityHashMap<>();

  private final Map<UUID, Integer> perAccount = new HashMap<>();

  /** Takes a slot for one more subscription on {@code sink}; why not, or null once taken. */
  synchronized RpcError take(ClientSink sink, SubscriptionCaps caps) {
    int onConnection = perConnection.getOrDefault(sink, 0);
    if (onConnection >= caps.perConnection()) {
      return RpcError.of(
          RpcErrorCode.RATE_LIMITED,
          "more than " + caps.perConnection() + " subscriptions on this connection");
    }
    UUID account = account(sink);
    if (account != null) {
      int onAccount = perAccount.getOrDefault(account, 0);
      if (onAccount >= caps.perAccount()) {
        return RpcError.of(
            RpcErrorCode.RATE_LIMITED,
            "more than " + caps.perAccount() + " subscriptions for this account");
      }
      perAccount.put(account, onAccount + 1);
    }
    perConnection.put(sink, onConnection + 1);
    return null;
  }

  /** Gives back a slot {@link #take} gave {@code sink}. */
  synchronized void release(ClientSink sink) {
    perConnection.computeIfPresent(sink, (s, n) -> n == 1 ? null : n - 1);
    UUID account = account(sink);
    if (account != null) {
      perAccount.computeIfPresent(account, (a, n) -> n == 1 ? null : n - 1);
    }
  }

  private static UUID account(ClientSink sink) {
    return sink.caller().account() == null ? null : sink.caller().account().accountId();
  }
}
