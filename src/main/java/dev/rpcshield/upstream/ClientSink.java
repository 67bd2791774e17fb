package dev.rpcshield.upstream;

import dev.rpcshield.identity.Caller;

/**
 * A long-lived client connection as the gateway sees it: somewhere to push subscription
 * notifications. The WebSocket endpoint implements it; policies never see a Session.
 */
public interface ClientSink {

  /** Queues a text message for the client; never blocks. */
  void send(byte[] message);

  /**
   * Ends the connection: its subscriptions can no longer be served, and the client learns why from
   * the close rather than from silence.
   */
  void end(String reason);

  /** Whether the client is still connected. */
  boolean isOpen();

  /** Who is connected: notifications pushed here are metered to this caller. */
  Caller caller();

  /** The connection itself, whichever message's view of it this is (what subscriptions hold). */
  default ClientSink connection() {
    return this;
  }

  /**
   * Runs {@code task} once the answer to the message being served has been queued, so that what the
   * task sends comes after it (a subscription's first notifications after its id); at once where
   * there is no such answer to wait for.
   */
  default void afterAnswer(Runnable task) {
    task.run();
  }
}
