package dev.rpcshield.upstream.chain;

import java.util.concurrent.CompletionStage;

/**
 * The outbound call: what the pipeline hands the upstreams once a body's members are admitted,
 * priced and charged. Every policy after admission (cache, eth_getLogs split, group split and
 * minibatch, hedge, failover, retry, attempt) is one implementation that wraps the next and knows
 * nothing of the others. A network's layout builds the links from the group split on, and the
 * pipeline's {@code Outbound} puts the cache and the eth_getLogs split in front, once per layout
 * and configuration.
 */
@FunctionalInterface
public interface UpstreamCall {

  /** Answers every call of the exchange, in order, without blocking the calling thread. */
  CompletionStage<Outcome> call(Exchange exchange);
}
