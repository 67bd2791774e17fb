package dev.rpcshield.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** How the tests wait for a condition: Awaitility, named and bounded in time. */
public final class Eventually {
  private Eventually() {}

  /**
   * A wait for {@code what}, failing after {@code limit}: checked at once, then every 50 ms. An
   * exception thrown by another thread meanwhile (a proxy's, a client's) does not end it.
   */
  public static ConditionFactory within(Duration limit, String what) {
    return Awaitility.await(what)
        .atMost(limit)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .dontCatchUncaughtExceptions();
  }
}
