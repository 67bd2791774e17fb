package dev.rpcshield.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.config.Generation;
import dev.rpcshield.identity.AccountView;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.identity.Tier;
import dev.rpcshield.jsonrpc.ParseLimits;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcParser;
import dev.rpcshield.limit.Rule;
import dev.rpcshield.limit.TestLimits;
import dev.rpcshield.sender.SenderThrottle;
import dev.rpcshield.sender.TestSenders;
import dev.rpcshield.sender.TestTransactionsAccess;
import dev.rpcshield.testing.ManualTimer;
import dev.rpcshield.testing.MutableClock;
import dev.rpcshield.testing.TestGenerations;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.TestNetworks;
import dev.rpcshield.upstream.TestUpstreams;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The stage on the real limits and sender throttle, configured as a test says: the rules and
 * compute units each call is priced at, the sender rule of a decoded transaction, and the refusal
 * of one that cannot be decoded for the network's chain. Network {@code local} is on chain 31337,
 * which the test transaction is signed for; {@code mainnet} on chain 1.
 */
class PricingTest {
  private static final String IP = "203.0.113.5";
  private static final Caller ANONYMOUS = new Caller(IP, null, null);
  private static final UUID ACCOUNT = UUID.fromString("6f1c1c53-0d43-4c1e-9d0c-5a6b7c8d9e0f");
  private static final String TX = TestTransactionsAccess.eip1559();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final Network local =
      TestUpstreams.network(
          Map.of(
              "rpcshield.networks", "local",
              "rpcshield.network.local.chain-id", "31337",
              "rpcshield.network.local.upstreams", "u=http://127.0.0.1:1"),
          clock,
          new ManualTimer(clock));
  private final Network mainnet = TestNetworks.named("mainnet");
  private final Pricing pricing = new Pricing();

  /** The configuration the priced requests are served under. */
  private Generation generation;

  PricingTest() {
    configure(Map.of(), Map.of());
  }

  private void configure(Map<String, String> limits, Map<String, String> senders) {
    pricing.limits = TestLimits.of(limits, clock);
    pricing.senders = new SenderThrottle();
    Map<String, String> both = new HashMap<>(limits);
    both.putAll(senders);
    generation = TestGenerations.of(both);
  }

  /** Prices {@code m} as the stage does in a request of {@code caller} on {@code network}. */
  private Verdict priced(Caller caller, Network network, MemberOutcome m) {
    byte[] body = new byte[0];
    return pricing.price(
        new RequestContext(new Request(body, 0, caller, null, network, generation, null)), m);
  }

  private static Caller keyed(Tier tier) {
    return new Caller(IP, "k", new AccountView(ACCOUNT, UUID.randomUUID(), tier));
  }

  private static MemberOutcome member(String method, String params) throws Exception {
    byte[] body =
        ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}")
            .getBytes(StandardCharsets.UTF_8);
    return MemberOutcome.of(
            TestContexts.of(body, new Caller(IP, null, null)),
            new RpcParser(ParseLimits.DEFAULTS).parse(body, body.length).members())
        .get(0);
  }

  /** The price of one call, which the stage let through. */
  private Price price(Caller caller, Network network, String method, String params)
      throws Exception {
    MemberOutcome m = member(method, params);
    assertEquals(Verdict.PROCEED, priced(caller, network, m));
    return m.price();
  }

  private Price transaction(Caller caller) throws Exception {
    return price(caller, local, "eth_sendRawTransaction", "[\"" + TX + "\"]");
  }

  private static Rule anonymousRps() {
    return Rule.bucket("rps", "rl:{ip:" + IP + "}:rps", 20, 10, 1);
  }

  @Test
  void anAnonymousCallIsChargedItsAddresssRateAndTheMethodsComputeUnits() throws Exception {
    Price logs = price(ANONYMOUS, mainnet, "eth_getLogs", "[{}]");
    assertEquals(List.of(anonymousRps()), logs.rules());
    assertEquals(60, logs.computeUnits());
    assertNull(logs.sender());
    assertEquals(26, price(ANONYMOUS, mainnet, "eth_call", "[{},\"latest\"]").computeUnits());
    assertEquals(0, price(ANONYMOUS, mainnet, "eth_chainId", "[]").computeUnits());
    assertEquals(20, price(ANONYMOUS, mainnet, "foo_bar", "[]").computeUnits(), "the default");
  }

  @Test
  void perMethodLimitsComputeUnitRulesAndOverridesComeFromTheConfiguration() throws Exception {
    configure(
        Map.of(
            "rpcshield.anonymous.rps", "4",
            "rpcshield.anonymous.cu-per-second", "100",
            "rpcshield.method-limits", "eth_getLogs=2.5",
            "rpcshield.cu.overrides", "eth_call=30",
            "rpcshield.cu.default", "7"),
        Map.of());
    String id = "{ip:" + IP + "}";
    Rule rps = Rule.bucket("rps", "rl:" + id + ":rps", 8, 4, 1);

    Price logs = price(ANONYMOUS, mainnet, "eth_getLogs", "[{}]");
    assertEquals(
        List.of(
            rps,
            Rule.bucket("method:eth_getLogs", "rl:" + id + ":m:eth_getLogs", 3, 2.5, 1),
            Rule.bucket("cu", "rl:" + id + ":cu", 100, 100, 60)),
        logs.rules());
    Price call = price(ANONYMOUS, mainnet, "eth_call", "[{},\"latest\"]");
    assertEquals(30, call.computeUnits());
    assertEquals(List.of(rps, Rule.bucket("cu", "rl:" + id + ":cu", 100, 100, 30)), call.rules());
    assertEquals(7, price(ANONYMOUS, mainnet, "foo_bar", "[]").computeUnits());
  }

  @Test
  void aKeyedCallIsChargedItsAccountsTierLimits() throws Exception {
    Price p =
        price(
            keyed(new Tier("pro", 50, 100, 500, 0, 0, false)),
            mainnet,
            "eth_call",
            "[{},\"latest\"]");
    String id = "{acct:" + ACCOUNT + "}";
    assertEquals(
        List.of(
            Rule.bucket("rps", "rl:" + id + ":rps", 100, 50, 1),
            Rule.bucket("cu", "rl:" + id + ":cu", 500, 500, 26)),
        p.rules());
    assertEquals(26, p.computeUnits());
  }

  @Test
  void aDecodedTransactionIsAlsoChargedItsSendersRuleOnItsNetwork() throws Exception {
    Rule sender = Rule.bucket("sender", "snd:{local:" + TestSenders.ALICE + "}", 10, 10 / 30.0, 1);
    Price p = transaction(ANONYMOUS);
    assertEquals(List.of(anonymousRps(), sender), p.rules());
    assertEquals(TestSenders.ALICE, p.sender());
    assertEquals(40, p.computeUnits());
    assertEquals(
        List.of(anonymousRps(), sender),
        price(ANONYMOUS, local, "eth_sendRawTransactionSync", "[\"" + TX + "\"]").rules());

    configure(Map.of(), Map.of("rpcshield.sender.limit", "3", "rpcshield.sender.interval", "60s"));
    assertEquals(
        Rule.bucket("sender", "snd:{local:" + TestSenders.ALICE + "}", 3, 0.05, 1),
        transaction(ANONYMOUS).rules().get(1));
  }

  @Test
  void anExemptSenderOrAccountOrAThrottleThatIsOffAddsNoSenderRule() throws Exception {
    Price exemptAccount = transaction(keyed(new Tier("vip", 50, 100, 0, 0, 0, true)));
    assertEquals(
        List.of(Rule.bucket("rps", "rl:{acct:" + ACCOUNT + "}:rps", 100, 50, 1)),
        exemptAccount.rules());
    assertEquals(TestSenders.ALICE, exemptAccount.sender(), "its sender is still known");
    assertEquals(
        2,
        transaction(keyed(new Tier("pro", 50, 100, 0, 0, 0, false))).rules().size(),
        "an account that is not exempt gets the rule");

    configure(Map.of(), Map.of("rpcshield.sender.exempt", TestSenders.ALICE.toUpperCase()));
    assertEquals(List.of(anonymousRps()), transaction(ANONYMOUS).rules());

    configure(Map.of(), Map.of("rpcshield.sender.limit", "0"));
    Price off = transaction(ANONYMOUS);
    assertEquals(List.of(anonymousRps()), off.rules());
    assertEquals(TestSenders.ALICE, off.sender());
  }

  @Test
  void aTransactionThatCannotBeDecodedForTheNetworksChainIsInvalidAndUnpriced() throws Exception {
    Map<String, String> refused =
        Map.of(
            "[\"0x01\"]", "transaction is truncated",
            "[]", "raw transaction must be a 0x-prefixed hex string",
            "[\"0xzz\"]", "raw transaction contains non-hex characters");
    for (Map.Entry<String, String> e : refused.entrySet()) {
      assertInvalid(local, e.getKey(), e.getValue());
    }
    assertInvalid(mainnet, "[\"" + TX + "\"]", "chain id 31337 is not served here; allowed: [1]");
  }

  /** The call is refused as invalid, with an error whose message starts with {@code message}. */
  private void assertInvalid(Network network, String params, String message) throws Exception {
    MemberOutcome m = member("eth_sendRawTransaction", params);
    Verdict.Refused r =
        assertInstanceOf(Verdict.Refused.class, priced(ANONYMOUS, network, m), params);
    assertEquals("invalid", r.outcome(), "its metric outcome: the call was invalid");
    assertEquals("invalid-transaction", r.refusal().refusalClass());
    assertEquals(RpcErrorCode.INVALID_PARAMS, r.error().code());
    assertEquals(400, r.refusal().status());
    assertTrue(
        r.error().message().startsWith(message),
        () -> r.error().message() + " starts with " + message);
    assertNull(r.refusal().sender());
    assertNull(m.price(), "a refused call is not priced");
  }
}
