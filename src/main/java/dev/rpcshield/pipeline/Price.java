package dev.rpcshield.pipeline;

import dev.rpcshield.limit.Rule;
import java.util.List;

/**
 * What a call costs: the limiter rules it is charged against and its compute units.
 *
 * @param sender the recovered sender of an eth_sendRawTransaction, else null
 */
public record Price(List<Rule> rules, long computeUnits, String sender) {
  public Price {
    rules = List.copyOf(rules);
  }
}
