package dev.rpcshield.pipeline;

import dev.rpcshield.identity.Caller;
import dev.rpcshield.testing.TestGenerations;
import dev.rpcshield.upstream.TestNetworks;

/** What a stage test's request is: a body from a caller on network "mainnet", defaults applied. */
final class TestContexts {
  private TestContexts() {}

  static RequestContext of(byte[] body, Caller caller) {
    return new RequestContext(
        new Request(
            body,
            body.length,
            caller,
            null,
            TestNetworks.named("mainnet"),
            TestGenerations.defaults(),
            null));
  }
}
