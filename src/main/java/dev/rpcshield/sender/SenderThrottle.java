package dev.rpcshield.sender;

import dev.rpcshield.limit.Rule;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Per-sender throttling of eth_sendRawTransaction: at most {@code rpcshield.sender.limit}
 * transactions per {@code rpcshield.sender.interval} per recovered sender, whatever key or IP they
 * come from (and across instances with Redis: the rule is charged in the same store as every other
 * limit). Every submission counts, replacements of a pending nonce included, so fee-bumping spam is
 * caught too. Listed senders are exempt.
 */
@ApplicationScoped
public class SenderThrottle {
  @Inject SenderConfig config;

  private RawTransactionDecoder decoder;

  @PostConstruct
  void init() {
    decoder = new RawTransactionDecoder(config.allowedChainIds(), config.allowUnprotected());
  }

  public RawTransactionDecoder decoder() {
    return decoder;
  }

  /**
   * The rule a submission by this sender is charged against, or {@code null} when the sender is
   * exempt or the throttle is off ({@code rpcshield.sender.limit=0}).
   */
  public Rule ruleFor(SignedTransaction tx) {
    if (config.limit() == 0 || config.exempt().contains(tx.sender())) {
      return null;
    }
    double perSecond = config.limit() / (config.interval().toMillis() / 1000.0);
    return Rule.bucket("sender", "snd:{" + tx.sender() + "}", config.limit(), perSecond, 1);
  }
}
