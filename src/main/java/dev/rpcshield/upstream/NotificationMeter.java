package dev.rpcshield.upstream;

import dev.rpcshield.identity.Caller;

/**
 * Charges the subscription notifications delivered to a client, as providers do (by size); the
 * pricing lives with the limits, behind this port.
 */
@FunctionalInterface
public interface NotificationMeter {

  /**
   * A notification of {@code bytes} bytes on {@code network} went to {@code caller}; it is never
   * refused.
   */
  void delivered(Caller caller, String network, int bytes);
}
