package dev.rpcshield.upstream;

import static dev.rpcshield.config.Settings.require;

import dev.rpcshield.config.Settings;

/**
 * How many {@code eth_subscribe} subscriptions may be open at once on this instance.
 *
 * @param perConnection on one WebSocket connection (default 100)
 * @param perAccount over all connections of one account (default 1000); a caller without a key is
 *     capped per connection, and its connections per IP
 */
public record SubscriptionCaps(int perConnection, int perAccount) {

  public static SubscriptionCaps read(Settings s) {
    int connection = s.integer("rpcshield.ws.max-subscriptions", 100);
    require(connection > 0, "rpcshield.ws.max-subscriptions", connection, "a positive number");
    int account = s.integer("rpcshield.ws.max-account-subscriptions", 1000);
    require(account > 0, "rpcshield.ws.max-account-subscriptions", account, "a positive number");
    return new SubscriptionCaps(connection, account);
  }
}
