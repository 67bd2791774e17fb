package dev.rpcshield.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.rpcshield.allowlist.Allowlists;
import dev.rpcshield.identity.AccountView;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.ParseLimits;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcParser;
import dev.rpcshield.sender.RawTransactionDecoder;
import dev.rpcshield.sender.SenderConfig;
import dev.rpcshield.sender.SenderThrottle;
import dev.rpcshield.sender.TestTransactionsAccess;
import dev.rpcshield.testing.TestGenerations;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The stage with a fake of the decoder's holder: what it refuses, and how. Its refusals are values
 * that {@link CallRecorder} records; {@code refusals} lists those it returned.
 */
class AllowlistingTest {
  private static final String A = "0x1111111111111111111111111111111111111111";
  private static final String B = "0x2222222222222222222222222222222222222222";

  private final List<String> refusals = new ArrayList<>();
  private final Allowlisting stage = new Allowlisting();

  AllowlistingTest() {
    RawTransactionDecoder decoder = new RawTransactionDecoder(Set.of(), true);
    stage.senders =
        new SenderThrottle() {
          @Override
          public RawTransactionDecoder decoder(SenderConfig config, long chainId) {
            return decoder;
          }
        };
  }

  private Verdict check(Allowlists lists, String method, String params) throws Exception {
    byte[] body =
        ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}")
            .getBytes(StandardCharsets.UTF_8);
    RpcCall call =
        (RpcCall) new RpcParser(ParseLimits.DEFAULTS).parse(body, body.length).members().get(0);
    AccountView view =
        new AccountView(UUID.randomUUID(), UUID.randomUUID(), null, Set.of(), lists, null, false);
    Caller caller = new Caller("203.0.113.1", "k", view);
    Verdict v =
        stage.check(
            new RequestContext(
                new Request(
                    body, body.length, caller, null, null, TestGenerations.defaults(), null)),
            call);
    if (v instanceof Verdict.Refused r) {
      refusals.add(
          r.refusal().refusalClass() + " " + method + ": " + r.refusal().error().message());
    }
    return v;
  }

  private List<String> ofClass(String refusalClass) {
    return refusals.stream().filter(r -> r.startsWith(refusalClass + " ")).toList();
  }

  private static void assertRefusedBy(Verdict v, String shown) {
    Verdict.Refused r = assertInstanceOf(Verdict.Refused.class, v);
    assertEquals(RpcErrorCode.NOT_ALLOWLISTED, r.error().code());
    assertEquals("refused by the API key's " + shown + " allowlist", r.error().message());
    assertEquals(403, r.error().code().httpStatus());
    assertEquals("allowlist", r.refusal().refusalClass());
  }

  @Test
  void aKeyWithoutListsOrAnAnonymousCallerPassesUntouched() throws Exception {
    assertEquals(Verdict.PROCEED, check(Allowlists.NONE, "debug_traceCall", "[]"));
    assertEquals(List.of(), refusals);
  }

  @Test
  void methodsAndContractsAreCheckedAndRefusedAsAllowlistRefusals() throws Exception {
    Allowlists lists =
        Allowlists.of(
            null, null, null, List.of("eth_call", "eth_get*", "eth_sendRaw*"), List.of(A));
    assertEquals(Verdict.PROCEED, check(lists, "eth_call", "[{\"to\":\"" + A + "\"},\"latest\"]"));
    assertRefusedBy(check(lists, "eth_call", "[{\"to\":\"" + B + "\"},\"latest\"]"), "contract");
    assertRefusedBy(check(lists, "eth_blockNumber", "[]"), "method");
    assertRefusedBy(
        check(lists, "eth_getLogs", "[{\"address\":[\"" + A + "\",\"" + B + "\"]}]"), "contract");
    assertRefusedBy(check(lists, "eth_getLogs", "[{}]"), "contract");
    assertEquals(Verdict.PROCEED, check(lists, "eth_getBlockByNumber", "[\"latest\",false]"));
    assertRefusedBy(
        check(lists, "eth_sendRawTransaction", "[\"" + TestTransactionsAccess.eip1559() + "\"]"),
        "contract");
    Verdict.Refused undecodable =
        assertInstanceOf(
            Verdict.Refused.class, check(lists, "eth_sendRawTransaction", "[\"0x01\"]"));
    assertEquals("invalid", undecodable.outcome());
    assertEquals(5, ofClass("allowlist").size(), refusals.toString());
    assertEquals(
        "allowlist eth_call: refused by the API key's contract allowlist", refusals.get(0));
    assertEquals(
        List.of("invalid-transaction eth_sendRawTransaction"),
        ofClass("invalid-transaction").stream().map(r -> r.substring(0, r.indexOf(':'))).toList(),
        "an undecodable transaction is a refusal of its own class, recorded like the others");
  }

  @Test
  void aContractListRefusesCodeOverridesAndMethodsItCannotRead() throws Exception {
    Allowlists lists = Allowlists.of(null, null, null, null, List.of(A));
    String call = "{\"to\":\"" + A + "\",\"data\":\"0x\"}";
    String code = "{\"" + A + "\":{\"code\":\"0x3360005260206000f3\"}}";
    assertRefusedBy(check(lists, "eth_call", "[" + call + ",\"latest\"," + code + "]"), "contract");
    assertRefusedBy(
        check(lists, "eth_estimateGas", "[" + call + ",\"latest\"," + code + "]"), "contract");
    assertEquals(
        Verdict.PROCEED,
        check(
            lists, "eth_call", "[" + call + ",\"latest\",{\"" + A + "\":{\"balance\":\"0x1\"}}]"));
    assertRefusedBy(
        check(lists, "eth_fillTransaction", "[{\"to\":\"" + A + "\",\"from\":\"" + B + "\"}]"),
        "contract");
    assertEquals(
        Verdict.PROCEED,
        check(
            lists,
            "eth_simulateV1",
            "[{\"blockStateCalls\":[{\"calls\":[" + call + "]}]},\"latest\"]"));
    assertRefusedBy(
        check(
            lists,
            "debug_traceCall",
            "[" + call + ",\"latest\",{\"stateOverrides\":" + code + "}]"),
        "contract");
    assertRefusedBy(
        check(lists, "debug_traceTransaction", "[\"0x" + "ab".repeat(32) + "\"]"), "contract");
    assertEquals(Verdict.PROCEED, check(lists, "eth_blockNumber", "[]"));
    assertEquals(5, refusals.size(), refusals.toString());
  }
}
