package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rpcshield.identity.AccountView;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.identity.Tier;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SubscriptionSlotsTest {
  private static final Tier FREE = new Tier("free", 25, 50, 500, 0, 5, false);

  /** A connection as the slots see it: only its caller matters. */
  private record Connection(Caller caller) implements ClientSink {
    @Override
    public void send(byte[] message) {}

    @Override
    public void end(String reason) {}

    @Override
    public boolean isOpen() {
      return true;
    }
  }

  private static Connection anonymous() {
    return new Connection(new Caller("127.0.0.1", null, null));
  }

  private static Connection of(UUID account) {
    return new Connection(
        new Caller("127.0.0.1", "k", new AccountView(account, UUID.randomUUID(), FREE)));
  }

  @Test
  void callsInFlightAtOnceTakeNoMoreSlotsThanTheCap() throws Exception {
    SubscriptionSlots slots = new SubscriptionSlots();
    SubscriptionCaps caps = new SubscriptionCaps(100, 1000);
    Connection ws = anonymous();
    CountDownLatch go = new CountDownLatch(1);
    List<Future<RpcError>> calls = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < 160; i++) {
        calls.add(
            pool.submit(() -> {
              go.await();
              return slots.take(ws, caps);
            }));
      }
      go.countDown();
      int taken = 0;
      for (Future<RpcError> c : calls) {
        RpcError refused = c.get();
        if (refused == null) {
          taken++;
        } else {
          assertEquals(RpcErrorCode.RATE_LIMITED, refused.code());
          assertEquals(
              "rate limit exceeded: more than 100 subscriptions on this connection",
              refused.message());
        }
      }
      assertEquals(100, taken);
    }
  }

  @Test
  void aReleasedSlotCanBeTakenAgainOnlyOnce() {
    SubscriptionSlots slots = new SubscriptionSlots();
    SubscriptionCaps caps = new SubscriptionCaps(2, 1000);
    Connection ws = anonymous();
    assertNull(slots.take(ws, caps));
    assertNull(slots.take(ws, caps));
    assertNotNull(slots.take(ws, caps));
    slots.release(ws);
    assertNull(slots.take(ws, caps));
    assertNotNull(slots.take(ws, caps));
    assertNull(slots.take(anonymous(), caps), "another connection has slots of its own");
  }

  @Test
  void anAccountsConnectionsShareItsCap() {
    SubscriptionSlots slots = new SubscriptionSlots();
    SubscriptionCaps caps = new SubscriptionCaps(100, 3);
    UUID account = UUID.randomUUID();
    Connection a = of(account);
    Connection b = of(account);
    assertNull(slots.take(a, caps));
    assertNull(slots.take(a, caps));
    assertNull(slots.take(b, caps));
    RpcError over = slots.take(b, caps);
    assertNotNull(over);
    assertEquals("rate limit exceeded: more than 3 subscriptions for this account", over.message());
    assertNull(slots.take(of(UUID.randomUUID()), caps), "another account is not counted");
    slots.release(a);
    assertNull(slots.take(b, caps));
  }

  @Test
  void aRefusalTakesNothing() {
    SubscriptionSlots slots = new SubscriptionSlots();
    UUID account = UUID.randomUUID();
    Connection a = of(account);
    Connection b = of(account);
    SubscriptionCaps caps = new SubscriptionCaps(1, 2);
    assertNull(slots.take(a, caps));
    assertNotNull(slots.take(a, caps), "over the connection's cap");
    assertNull(slots.take(b, caps), "the refused call took no slot of the account's");
  }
}
