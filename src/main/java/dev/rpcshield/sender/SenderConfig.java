package dev.rpcshield.sender;

import static dev.rpcshield.config.Settings.require;

import dev.rpcshield.config.Settings;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The sender throttle and the transactions it accepts, read from MicroProfile Config.
 *
 * @param allowedChainIds chains a transaction may be signed for; empty for any (default)
 * @param allowUnprotected accept pre-EIP-155 transactions when chains are listed (default false)
 * @param limit transactions per sender per interval, 0 for off (default 10)
 * @param interval the throttle's interval (default 30 s)
 * @param exempt lower-case sender addresses never throttled
 */
public record SenderConfig(
    Set<Long> allowedChainIds,
    boolean allowUnprotected,
    long limit,
    Duration interval,
    Set<String> exempt) {

  public SenderConfig {
    allowedChainIds = Set.copyOf(allowedChainIds);
    exempt = Set.copyOf(exempt);
  }

  public static SenderConfig read(Settings s) {
    Set<Long> chains = new HashSet<>();
    for (String c : s.list("rpcshield.sender.allowed-chain-ids", List.of())) {
      chains.add(Settings.parse("rpcshield.sender.allowed-chain-ids", c, Long::decode));
    }
    long limit = s.longValue("rpcshield.sender.limit", 10);
    require(limit >= 0, "rpcshield.sender.limit", limit, "a number >= 0");
    Duration interval = s.duration("rpcshield.sender.interval", Duration.ofSeconds(30));
    require(
        !interval.isZero() && !interval.isNegative(),
        "rpcshield.sender.interval",
        interval,
        "a positive duration");
    Set<String> exempt = new HashSet<>();
    for (String a : s.list("rpcshield.sender.exempt", List.of())) {
      exempt.add(a.toLowerCase(Locale.ROOT));
    }
    return new SenderConfig(
        chains, s.bool("rpcshield.sender.allow-unprotected", false), limit, interval, exempt);
  }
}
