package dev.rpcshield.sender;

import dev.rpcshield.config.Settings;
import dev.rpcshield.limit.Rule;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Per-sender throttling of eth_sendRawTransaction: at most {@code rpcshield.sender.limit}
 * transactions per {@code rpcshield.sender.interval} per recovered sender, whatever key or IP they
 * come from (and across instances with Redis: the rule is charged in the same store as every other
 * limit). Every submission counts, replacements of a pending nonce included, so fee-bumping spam is
 * caught too. Listed senders are exempt.
 */
@ApplicationScoped
public class SenderThrottle {
  private RawTransactionDecoder decoder;
  private long limit;
  private Duration interval;
  private Set<String> exempt;

  @PostConstruct
  void init() {
    Settings s = new Settings(ConfigProvider.getConfig());
    Set<Long> chains = new HashSet<>();
    for (String c : s.list("rpcshield.sender.allowed-chain-ids", List.of())) {
      chains.add(Long.decode(c));
    }
    decoder =
        new RawTransactionDecoder(chains, s.bool("rpcshield.sender.allow-unprotected", false));
    limit = s.longValue("rpcshield.sender.limit", 10);
    interval = s.duration("rpcshield.sender.interval", Duration.ofSeconds(30));
    if (limit < 0 || interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException(
          "rpcshield.sender.limit must be >= 0 and rpcshield.sender.interval positive");
    }
    exempt = new HashSet<>();
    for (String a : s.list("rpcshield.sender.exempt", List.of())) {
      exempt.add(a.toLowerCase(Locale.ROOT));
    }
  }

  public RawTransactionDecoder decoder() {
    return decoder;
  }

  /**
   * The rule a submission by this sender is charged against, or {@code null} when the sender is
   * exempt or the throttle is off ({@code rpcshield.sender.limit=0}).
   */
  public Rule ruleFor(SignedTransaction tx) {
    if (limit == 0 || exempt.contains(tx.sender())) {
      return null;
    }
    double perSecond = limit / (interval.toMillis() / 1000.0);
    return Rule.bucket("sender", "snd:" + tx.sender(), limit, perSecond, 1);
  }
}
