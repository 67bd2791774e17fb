package dev.rpcshield.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.account.AccountStore;
import dev.rpcshield.account.Accounts;
import dev.rpcshield.account.Database;
import dev.rpcshield.account.UsageMeter;
import dev.rpcshield.identity.AccountView;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.identity.Tier;
import dev.rpcshield.jsonrpc.ParseLimits;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcParser;
import dev.rpcshield.limit.Decision;
import dev.rpcshield.limit.InMemoryLimiterStore;
import dev.rpcshield.limit.LimiterStore;
import dev.rpcshield.limit.Limits;
import dev.rpcshield.limit.Rule;
import dev.rpcshield.telemetry.RequestMetrics;
import dev.rpcshield.testing.InMemoryDatabase;
import dev.rpcshield.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stage on the in-memory limiter store (wrapped to count its calls) and the usage meter over
 * the embedded database, both on a clock the test moves; the metric is a fake that records compute
 * units. Each test's members are priced by hand, so the rules they are charged against are the
 * test's.
 */
class ChargingTest {
  private static final String IP = "203.0.113.9";
  private static final Rule RPS = Rule.bucket("rps", "rl:{ip:" + IP + "}:rps", 2, 1, 1);
  private static Database db;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final Charging charging = new Charging();

  /** Each call to the limiter store: the rules of every member it charged. */
  private final List<List<List<Rule>>> storeCalls = new ArrayList<>();

  /** The compute units the metric was told of: source, network, units. */
  private final List<String> computeUnits = new ArrayList<>();

  private AccountStore store;
  private UsageMeter usage;

  @BeforeAll
  static void open() {
    db = InMemoryDatabase.named("charging");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @BeforeEach
  void build() {
    store = new AccountStore(db, clock, () -> {});
    usage = new UsageMeter(store, clock);
    LimiterStore memory = new InMemoryLimiterStore(clock, 1000);
    charging.limits =
        new Limits() {
          @Override
          public LimiterStore store() {
            return members -> {
              storeCalls.add(members);
              return memory.charge(members);
            };
          }
        };
    charging.accounts =
        new Accounts() {
          @Override
          public UsageMeter usage() {
            return usage;
          }
        };
    charging.metrics =
        new RequestMetrics() {
          @Override
          public void computeUnits(String source, String network, long units) {
            computeUnits.add(source + " " + network + " " + units);
          }
        };
    charging.clock = clock;
  }

  /** A caller whose account has {@code monthlyCu} a month and has used {@code used} of it. */
  private Caller keyed(long monthlyCu, long used) {
    UUID account = store.createAccount("charging", "free", "test").getId();
    if (used > 0) {
      store.addUsage(account, "mainnet", used, 5, 0);
    }
    Tier tier = new Tier("free", 25, 50, 0, monthlyCu, 0, false);
    return new Caller(IP, "k", new AccountView(account, UUID.randomUUID(), tier));
  }

  /** The members of a batch of {@code methods}, not yet priced. */
  private static List<MemberOutcome> batch(String... methods) throws Exception {
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < methods.length; i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"jsonrpc\":\"2.0\",\"id\":")
          .append(i + 1)
          .append(",\"method\":\"")
          .append(methods[i])
          .append("\",\"params\":[]}");
    }
    byte[] bytes = body.append(']').toString().getBytes(StandardCharsets.UTF_8);
    return MemberOutcome.of(
        TestContexts.of(bytes, new Caller("203.0.113.9", null, null)),
        new RpcParser(ParseLimits.DEFAULTS).parse(bytes, bytes.length).members());
  }

  private static void price(MemberOutcome m, long computeUnits, Rule... rules) {
    m.priced(new Price(List.of(rules), computeUnits, null));
  }

  private List<Verdict> charge(Caller caller, List<MemberOutcome> members) {
    byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
    return charging.charge(TestContexts.of(body, caller), members);
  }

  private static Verdict.Refused assertRefused(
      Verdict v, RpcErrorCode code, String message, String refusalClass) {
    Verdict.Refused r = assertInstanceOf(Verdict.Refused.class, v);
    assertEquals("refused", r.outcome());
    assertEquals(code, r.error().code());
    assertEquals(message, r.error().message());
    assertEquals(refusalClass, r.refusal().refusalClass());
    assertEquals(429, r.refusal().status());
    return r;
  }

  @Test
  void aWholeBodyIsChargedInOneStoreCallAndEachMemberIsDecidedInOrder() throws Exception {
    List<MemberOutcome> members = batch("eth_call", "eth_blockNumber", "eth_call");
    price(members.get(0), 26, RPS);
    price(members.get(1), 10, RPS);
    price(members.get(2), 26, RPS);

    List<Verdict> verdicts = charge(new Caller(IP, null, null), members);

    assertEquals(List.of(List.of(List.of(RPS), List.of(RPS), List.of(RPS))), storeCalls);
    assertEquals(Verdict.PROCEED, verdicts.get(0));
    assertEquals(Verdict.PROCEED, verdicts.get(1));
    Verdict.Refused over =
        assertRefused(
            verdicts.get(2),
            RpcErrorCode.RATE_LIMITED,
            "rate limit exceeded: rps, retry in 1 s",
            "rps");
    assertNull(over.refusal().sender());
    assertEquals(3, verdicts.size());

    assertEquals(
        List.of(1L, 0L),
        List.of(members.get(0).decision().remaining(), members.get(1).decision().remaining()));
    Decision refused = members.get(2).decision();
    assertFalse(refused.allowed());
    assertEquals("rps", refused.rule());
    assertEquals(1000, refused.retryAfterMillis());
    assertEquals(
        List.of("call mainnet 26", "call mainnet 10"),
        computeUnits,
        "a refused member's compute units are not counted");

    clock.advance(Duration.ofSeconds(1));
    List<MemberOutcome> later = batch("eth_call");
    price(later.get(0), 26, RPS);
    assertEquals(List.of(Verdict.PROCEED), charge(new Caller(IP, null, null), later));
    assertEquals(2, storeCalls.size());
  }

  @Test
  void eachLimitRefusesItsMemberAloneUnderItsOwnClass() throws Exception {
    Rule method = Rule.bucket("method:eth_getLogs", "rl:{ip:" + IP + "}:m:eth_getLogs", 1, 1, 1);
    Rule cu = Rule.bucket("cu", "rl:{ip:" + IP + "}:cu", 100, 50, 60);
    Rule sender = Rule.bucket("sender", "snd:{mainnet:0xab}", 1, 1 / 30.0, 1);
    List<MemberOutcome> m =
        batch(
            "eth_getLogs",
            "eth_getLogs",
            "eth_getLogs",
            "eth_getLogs",
            "eth_sendRawTransaction",
            "eth_sendRawTransaction",
            "eth_chainId");
    price(m.get(0), 60, method);
    price(m.get(1), 60, method);
    price(m.get(2), 60, cu);
    price(m.get(3), 60, cu);
    m.get(4).priced(new Price(List.of(sender), 40, "0xab"));
    m.get(5).priced(new Price(List.of(sender), 40, "0xab"));
    price(m.get(6), 0);

    List<Verdict> v = charge(new Caller(IP, null, null), m);

    assertEquals(1, storeCalls.size());
    assertEquals(Verdict.PROCEED, v.get(0));
    assertRefused(
        v.get(1),
        RpcErrorCode.RATE_LIMITED,
        "rate limit exceeded: method:eth_getLogs, retry in 1 s",
        "method-rate");
    assertEquals(Verdict.PROCEED, v.get(2));
    assertRefused(
        v.get(3), RpcErrorCode.RATE_LIMITED, "rate limit exceeded: cu, retry in 1 s", "cu");
    assertEquals(Verdict.PROCEED, v.get(4));
    Verdict.Refused throttled =
        assertRefused(
            v.get(5),
            RpcErrorCode.SENDER_OVER_LIMIT,
            "sender is over rate limit: retry in 30 s",
            "sender");
    assertEquals("0xab", throttled.refusal().sender(), "it counts against the sender");
    assertEquals(Verdict.PROCEED, v.get(6));
    assertEquals(Decision.UNLIMITED, m.get(6).decision(), "no rule applied");
    assertEquals(
        List.of("call mainnet 60", "call mainnet 60", "call mainnet 40", "call mainnet 0"),
        computeUnits);
  }

  @Test
  void theMonthlyQuotaRefusesWhatWouldGoOverItAndARefusedMemberCostsNothing() throws Exception {
    Caller caller = keyed(100, 50);
    UUID account = caller.account().accountId();
    Rule rps = Rule.bucket("rps", "rl:{acct:" + account + "}:rps", 1, 1, 1);
    List<MemberOutcome> m =
        batch(
            "eth_call",
            "eth_call",
            "eth_chainId",
            "eth_blockNumber",
            "eth_gasPrice",
            "eth_gasPrice");
    price(m.get(0), 26);
    price(m.get(1), 26);
    price(m.get(2), 0);
    price(m.get(3), 10);
    price(m.get(4), 10, rps);
    price(m.get(5), 10, rps);

    List<Verdict> v = charge(caller, m);

    assertEquals(Verdict.PROCEED, v.get(0), "50 + 26 of 100");
    assertRefused(
        v.get(1),
        RpcErrorCode.RATE_LIMITED,
        "rate limit exceeded: monthly, this month's compute units are used up;"
            + " the quota resets at 2026-12-01T00:00:00Z",
        "monthly");
    assertEquals(
        Decision.monthlyQuotaUsedUp(100, clock.instant()),
        m.get(1).decision(),
        "the decision shown is the quota's, on the injected clock");
    assertEquals(Verdict.PROCEED, v.get(2), "what costs nothing is never over the quota");
    assertEquals(Verdict.PROCEED, v.get(3), "76 + 10: the refused member added nothing");
    assertEquals(Verdict.PROCEED, v.get(4), "86 + 10");
    assertRefused(
        v.get(5), RpcErrorCode.RATE_LIMITED, "rate limit exceeded: rps, retry in 1 s", "rps");
    assertEquals("rps", m.get(5).decision().rule(), "the rate rules are decided first");
    assertEquals(
        List.of("call mainnet 26", "call mainnet 0", "call mainnet 10", "call mainnet 10"),
        computeUnits);

    usage.flush();
    AccountStore.Usage used = store.usage(account);
    assertEquals(96, used.computeUnits());
    assertEquals(5 + 4, used.requests());
    assertEquals(2, used.refusals());
    assertEquals(used.computeUnits(), store.usageByNetwork(account).get("mainnet").computeUnits());
  }

  @Test
  void anAccountWithoutAQuotaAndAnAnonymousCallerAreNeverRefusedForIt() throws Exception {
    Caller unlimited = keyed(0, 1_000_000);
    List<MemberOutcome> m = batch("eth_getLogs");
    price(m.get(0), 60);
    assertEquals(List.of(Verdict.PROCEED), charge(unlimited, m));

    List<MemberOutcome> anonymous = batch("eth_getLogs");
    price(anonymous.get(0), 60);
    assertEquals(List.of(Verdict.PROCEED), charge(new Caller(IP, null, null), anonymous));
    assertTrue(anonymous.get(0).decision().allowed());

    usage.flush();
    assertEquals(1_000_060, store.usage(unlimited.account().accountId()).computeUnits());
  }
}
