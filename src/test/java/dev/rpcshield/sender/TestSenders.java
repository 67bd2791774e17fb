package dev.rpcshield.sender;

import dev.rpcshield.config.Current;
import dev.rpcshield.config.Settings;
import dev.rpcshield.testing.MapConfig;
import java.util.Map;

/** Sender throttles for tests outside this package, and the sender of the test transactions. */
public final class TestSenders {
  /** The address {@link TestTransactionsAccess#eip1559()} is signed by. */
  public static final String ALICE = TestTransactions.ALICE_ADDRESS;

  private TestSenders() {}

  /** The throttle {@code settings} (rpcshield.sender.* keys) configure, built as CDI would. */
  public static SenderThrottle throttle(Map<String, String> settings) {
    SenderThrottle throttle = new SenderThrottle();
    throttle.config = Current.of(SenderConfig.read(new Settings(new MapConfig(settings))));
    throttle.init();
    return throttle;
  }
}
