package dev.rpcshield.sender;

import dev.rpcshield.config.DirectBean;
import dev.rpcshield.config.Memo;
import dev.rpcshield.limit.Rule;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-sender throttling of eth_sendRawTransaction: at most {@code rpcshield.sender.limit}
 * transactions per {@code rpcshield.sender.interval} per recovered sender, whatever key or IP they
 * come from (and across instances with Redis: the rule is charged in the same store as every other
 * limit). Every submission counts, replacements of a pending nonce included, so fee-bumping spam is
 * caught too. Listed senders are exempt. The sender configuration is the request's, handed in by
 * the stage that asks.
 */
@ApplicationScoped
public class SenderThrottle extends DirectBean {
  private final Memo<SenderConfig, Decoders> decoders = new Memo<>(Decoders::new);

  /** The decoders one sender configuration makes: the global one and one per network chain. */
  private record Decoders(SenderConfig config, Map<Long, RawTransactionDecoder> byChain) {
    Decoders(SenderConfig config) {
      this(config, new ConcurrentHashMap<>());
    }

    RawTransactionDecoder global() {
      return byChain.computeIfAbsent(
          0L, id -> new RawTransactionDecoder(config.allowedChainIds(), config.allowUnprotected()));
    }

    RawTransactionDecoder forChain(long chainId) {
      return byChain.computeIfAbsent(
          chainId, id -> new RawTransactionDecoder(Set.of(id), config.allowUnprotected()));
    }
  }

  /**
   * The decoder for a network: one that names a chain id accepts only transactions signed for that
   * chain (and unprotected ones when {@code rpcshield.sender.allow-unprotected} is on); one that
   * names none accepts {@code rpcshield.sender.allowed-chain-ids}.
   */
  public RawTransactionDecoder decoder(SenderConfig config, long chainId) {
    Decoders d = decoders.apply(config);
    return chainId == 0 ? d.global() : d.forChain(chainId);
  }

  /**
   * The rule a submission by this sender on {@code network} is charged against (each network counts
   * its own), or {@code null} when the sender is exempt or the throttle is off ({@code
   * rpcshield.sender.limit=0}).
   */
  public Rule ruleFor(SenderConfig config, String network, SignedTransaction tx) {
    if (config.limit() == 0 || config.exempt().contains(tx.sender())) {
      return null;
    }
    double perSecond = config.limit() / (config.interval().toMillis() / 1000.0);
    return Rule.bucket(
        "sender", "snd:{" + network + ":" + tx.sender() + "}", config.limit(), perSecond, 1);
  }
}
