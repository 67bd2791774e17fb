package dev.rpcshield.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.jsonrpc.ParseLimits;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcParser;
import dev.rpcshield.sender.InvalidTransactionException;
import dev.rpcshield.sender.RawTransactionDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CallAddressesTest {
  private static final String A = "0x1111111111111111111111111111111111111111";
  private static final String B = "0x2222222222222222222222222222222222222222";
  private final RawTransactionDecoder decoder = new RawTransactionDecoder(Set.of(), true);

  private CallAddresses.Named named(String method, String params) throws Exception {
    byte[] body =
        ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}")
            .getBytes(StandardCharsets.UTF_8);
    RpcCall call =
        (RpcCall) new RpcParser(ParseLimits.DEFAULTS).parse(body, body.length).members().get(0);
    return CallAddresses.of(call, decoder);
  }

  @Test
  void eachCallOfTheIssueNamesItsAddresses() throws Exception {
    assertEquals(
        List.of(A),
        named("eth_call", "[{\"to\":\"" + A + "\",\"data\":\"0x\"},\"latest\"]").addresses());
    assertEquals(List.of(A), named("eth_estimateGas", "[{\"to\":\"" + A + "\"}]").addresses());
    assertEquals(List.of(A), named("eth_getLogs", "[{\"address\":\"" + A + "\"}]").addresses());
    assertEquals(
        List.of(A, B),
        named("eth_getLogs", "[{\"address\":[\"" + A + "\",\"" + B + "\"]}]").addresses());
    for (String m :
        new String[] {
          "eth_getBalance",
          "eth_getCode",
          "eth_getStorageAt",
          "eth_getTransactionCount",
          "eth_getProof"
        }) {
      assertEquals(List.of(A), named(m, "[\"" + A + "\",\"latest\"]").addresses(), m);
    }
    assertEquals(
        List.of(A), named("eth_subscribe", "[\"logs\",{\"address\":\"" + A + "\"}]").addresses());
    assertEquals(
        List.of(A, B),
        named("eth_getStorageValues", "[{\"" + A + "\":[],\"" + B + "\":[]},\"latest\"]")
            .addresses());
  }

  @Test
  void callsThatCouldReachAnyAddressAreUnbounded() throws Exception {
    assertTrue(named("eth_getLogs", "[{\"fromBlock\":\"0x1\"}]").unbounded());
    assertTrue(named("eth_getLogs", "[{\"address\":[]}]").unbounded());
    assertTrue(named("eth_getLogs", "[]").unbounded());
    assertTrue(named("eth_call", "[{\"data\":\"0x6000\"},\"latest\"]").unbounded());
    assertTrue(named("eth_subscribe", "[\"logs\",{}]").unbounded());
    assertTrue(
        named("eth_simulateV1", "[{\"blockStateCalls\":[{\"calls\":[{\"data\":\"0x6000\"}]}]}]")
            .unbounded());
    assertTrue(named("eth_getBalance", "[]").unbounded());
  }

  @Test
  void callsThatNameNoAddressAreNotConcerned() throws Exception {
    for (String m : new String[] {"eth_chainId", "eth_blockNumber", "eth_getBlockByNumber"}) {
      CallAddresses.Named n = named(m, "[]");
      assertFalse(n.unbounded(), m);
      assertEquals(List.of(), n.addresses(), m);
    }
    assertFalse(named("eth_subscribe", "[\"newHeads\"]").unbounded());
  }

  @Test
  void aRawTransactionNamesItsDecodedRecipient() throws Exception {
    assertEquals(
        List.of("0x000000000000000000000000000000000000dead"),
        named(
                "eth_sendRawTransaction",
                "[\"" + dev.rpcshield.sender.TestTransactionsAccess.eip1559() + "\"]")
            .addresses());
    assertThrows(
        InvalidTransactionException.class, () -> named("eth_sendRawTransaction", "[\"0x01\"]"));
  }

  private static String tx(String to) {
    return "{\"to\":\"" + to + "\",\"data\":\"0x\"}";
  }

  private static String override(String address, String fields) {
    return "{\"" + address + "\":" + fields + "}";
  }

  @Test
  void aStateOverrideNamesItsAccountsAndMaySetOnlyBalanceAndNonce() throws Exception {
    for (String m : new String[] {"eth_call", "eth_estimateGas", "eth_createAccessList"}) {
      assertEquals(
          List.of(A, B),
          named(m, "[" + tx(A) + ",\"latest\"," + override(B, "{\"balance\":\"0x1\"}") + "]")
              .addresses(),
          m);
      for (String field :
          new String[] {"code", "CODE", "state", "stateDiff", "movePrecompileToAddress"}) {
        assertTrue(
            named(
                    m,
                    "["
                        + tx(A)
                        + ",\"latest\","
                        + override(A, "{\"" + field + "\":\"0x00\"}")
                        + "]")
                .unbounded(),
            m + " " + field);
      }
    }
    assertEquals(
        List.of(A, A),
        named("eth_call", "[" + tx(A) + ",\"latest\"," + override(A, "{\"NONCE\":\"0x1\"}") + "]")
            .addresses());
    assertTrue(named("eth_call", "[" + tx(A) + ",\"latest\",{\"" + A + "\":null}]").unbounded());
    assertTrue(named("eth_call", "[" + tx(A) + ",\"latest\",[]]").unbounded());
  }

  @Test
  void aBlockOverrideNamesItsFeeRecipientAndWithdrawals() throws Exception {
    assertEquals(
        List.of(A, B),
        named(
                "eth_call",
                "["
                    + tx(A)
                    + ",\"latest\",null,{\"feeRecipient\":\""
                    + B
                    + "\",\"number\":\"0x5\"}]")
            .addresses());
    assertEquals(
        List.of(A, B),
        named("eth_call", "[" + tx(A) + ",\"latest\",{},{\"Coinbase\":\"" + B + "\"}]")
            .addresses());
    assertEquals(
        List.of(A, B),
        named(
                "eth_call",
                "["
                    + tx(A)
                    + ",\"latest\",{},{\"withdrawals\":[{\"address\":\""
                    + B
                    + "\",\"amount\":\"0x1\"}]}]")
            .addresses());
    assertTrue(
        named("eth_call", "[" + tx(A) + ",\"latest\",{},{\"sponsor\":\"" + B + "\"}]").unbounded());
  }

  @Test
  void aCallObjectNamesItsListsAndFillTransactionItsSender() throws Exception {
    assertEquals(
        List.of(A, B, B),
        named(
                "eth_estimateGas",
                "[{\"to\":\""
                    + A
                    + "\",\"from\":\"0x3333333333333333333333333333333333333333\","
                    + "\"accessList\":[{\"address\":\""
                    + B
                    + "\",\"storageKeys\":[]}],"
                    + "\"authorizationList\":[{\"address\":\""
                    + B
                    + "\",\"chainId\":\"0x1\"}]}]")
            .addresses());
    assertEquals(
        List.of(A, B),
        named("eth_fillTransaction", "[{\"to\":\"" + A + "\",\"from\":\"" + B + "\"}]")
            .addresses());
    assertTrue(named("eth_fillTransaction", "[{\"to\":\"" + A + "\"}]").unbounded());
    assertTrue(named("eth_fillTransaction", "[{\"from\":\"" + A + "\"}]").unbounded());
    assertEquals(
        List.of(A, B),
        named("eth_call", "[{\"to\":\"" + A + "\",\"TO\":\"" + B + "\"}]").addresses());
    assertEquals(List.of(B), named("eth_getLogs", "[{\"ADDRESS\":\"" + B + "\"}]").addresses());
    assertTrue(named("eth_call", "[{\"to\":\"" + A + "\",\"accessList\":[{}]}]").unbounded());
    assertTrue(named("eth_call", "[" + tx(A) + ",\"latest\",{},{},\"extra\"]").unbounded());
    assertTrue(named("eth_call", "{\"to\":\"" + A + "\"}").unbounded());
  }

  @Test
  void traceCallsReadTheirOverridesAndRefuseJavaScriptTracers() throws Exception {
    assertEquals(
        List.of(A, B),
        named(
                "debug_traceCall",
                "["
                    + tx(A)
                    + ",\"latest\",{\"tracer\":\"callTracer\",\"stateOverrides\":"
                    + override(B, "{\"balance\":\"0x1\"}")
                    + "}]")
            .addresses());
    assertEquals(
        List.of(A, B),
        named(
                "debug_traceCall",
                "[" + tx(A) + ",\"latest\",{\"blockOverrides\":{\"feeRecipient\":\"" + B + "\"}}]")
            .addresses());
    assertTrue(
        named(
                "debug_traceCall",
                "["
                    + tx(A)
                    + ",\"latest\",{\"stateOverrides\":"
                    + override(A, "{\"code\":\"0x00\"}")
                    + "}]")
            .unbounded());
    assertTrue(
        named(
                "debug_traceCall",
                "["
                    + tx(A)
                    + ",\"latest\",{\"tracer\":\"{result: function(c, db) { return db.getBalance('"
                    + B
                    + "'); }, fault: function() {}}\"}]")
            .unbounded());
    assertEquals(List.of(A), named("debug_traceCall", "[" + tx(A) + ",\"latest\"]").addresses());
    assertEquals(
        List.of(A, B),
        named(
                "trace_call",
                "[" + tx(A) + ",[\"trace\"],\"latest\"," + override(B, "{\"nonce\":\"0x1\"}") + "]")
            .addresses());
    assertTrue(
        named(
                "trace_call",
                "[" + tx(A) + ",[\"trace\"],\"latest\"," + override(A, "{\"stateDiff\":{}}") + "]")
            .unbounded());
  }

  @Test
  void everyCallOfABundleOrASimulationIsRead() throws Exception {
    assertEquals(
        List.of(A, B, B),
        named(
                "eth_callMany",
                "[[{\"transactions\":["
                    + tx(A)
                    + ","
                    + tx(B)
                    + "],\"blockOverride\":{\"coinbase\":\""
                    + B
                    + "\"}}],"
                    + "{\"blockNumber\":\"latest\"}]")
            .addresses());
    assertTrue(
        named(
                "eth_callMany",
                "[[{\"transactions\":["
                    + tx(A)
                    + "]}],{},"
                    + override(A, "{\"code\":\"0x00\"}")
                    + "]")
            .unbounded());
    assertTrue(named("eth_callMany", "[{}]").unbounded());
    assertEquals(
        List.of(A, B, A),
        named(
                "eth_simulateV1",
                "[{\"blockStateCalls\":[{\"calls\":["
                    + tx(A)
                    + "]},"
                    + "{\"blockOverrides\":{\"feeRecipient\":\""
                    + B
                    + "\"},\"calls\":["
                    + tx(A)
                    + "]}]},\"latest\"]")
            .addresses());
    assertTrue(
        named(
                "eth_simulateV1",
                "[{\"blockStateCalls\":[{\"stateOverrides\":"
                    + override(A, "{\"code\":\"0x00\"}")
                    + ",\"calls\":["
                    + tx(A)
                    + "]}]}]")
            .unbounded());
  }

  @Test
  void aMethodThisClassDoesNotReadIsUnbounded() throws Exception {
    for (String m :
        new String[] {
          "debug_traceTransaction", "eth_callBundle", "trace_callMany", "eth_sendTransaction"
        }) {
      assertTrue(named(m, "[" + tx(A) + "]").unbounded(), m);
    }
    assertTrue(named("eth_subscribe", "[\"alchemy_minedTransactions\",{}]").unbounded());
  }

  private static final String X = "0x3333333333333333333333333333333333333333";

  private static String from(String from, String to, String extra) {
    return "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"" + extra + "}";
  }

  @Test
  void theTracingAndSimulationMethodsNameTheirSenderWhenItIsSent() throws Exception {
    assertEquals(
        List.of(A, X),
        named("debug_traceCall", "[" + from(X, A, "") + ",\"latest\",{\"tracer\":\"callTracer\"}]")
            .addresses());
    assertEquals(
        List.of(A, X),
        named("trace_call", "[" + from(X, A, "") + ",[\"trace\"],\"latest\"]").addresses());
    assertEquals(
        List.of(A, X),
        named("eth_callMany", "[[{\"transactions\":[" + from(X, A, "") + "]}],{}]").addresses());
    assertEquals(
        List.of(A, X),
        named(
                "eth_simulateV1",
                "[{\"blockStateCalls\":[{\"calls\":["
                    + from(X, A, "")
                    + "]}],\"returnFullTransactions\":true},\"latest\"]")
            .addresses());
    assertEquals(
        List.of(A, X),
        named(
                "eth_simulateV1",
                "[{\"blockStateCalls\":[{\"calls\":[{\"to\":\""
                    + A
                    + "\",\"FROM\":\""
                    + X
                    + "\"}]}]}]")
            .addresses());
    assertEquals(
        List.of(A), named("trace_call", "[" + tx(A) + ",[\"trace\"],\"latest\"]").addresses());
    assertTrue(
        named("debug_traceCall", "[{\"to\":\"" + A + "\",\"from\":7},\"latest\"]").unbounded());
  }

  @Test
  void aCallOfTheStandardMethodsNamesItsSenderOnlyWhenItMovesValueOrPaysFees() throws Exception {
    for (String m : new String[] {"eth_call", "eth_estimateGas", "eth_createAccessList"}) {
      assertEquals(List.of(A), named(m, "[" + from(X, A, "") + ",\"latest\"]").addresses(), m);
      assertEquals(
          List.of(A),
          named(
                  m,
                  "["
                      + from(
                          X,
                          A,
                          ",\"value\":\"0x0\",\"gasPrice\":\"0X00\",\"maxFeePerGas\":null,\"gas\":\"0x5208\"")
                      + ",\"latest\"]")
              .addresses(),
          m);
      for (String paying :
          new String[] {
            "\"value\":\"0x1\"",
            "\"VALUE\":\"0xde0b6b3a7640000\"",
            "\"gasPrice\":\"0x1\"",
            "\"maxFeePerGas\":\"0x3b9aca00\"",
            "\"maxPriorityFeePerGas\":\"0x1\"",
            "\"maxFeePerBlobGas\":\"0x1\"",
            "\"value\":1"
          }) {
        assertEquals(
            List.of(A, X),
            named(m, "[" + from(X, A, "," + paying) + ",\"latest\"]").addresses(),
            m + " " + paying);
      }
      assertEquals(
          List.of(A),
          named(m, "[{\"to\":\"" + A + "\",\"value\":\"0x1\"},\"latest\"]").addresses(),
          m);
    }
  }

  @Test
  void tracersAndTraceTypesThatReportAccountsTheCallDoesNotNameAreRefused() throws Exception {
    assertTrue(
        named("debug_traceCall", "[" + tx(A) + ",\"latest\",{\"tracer\":\"prestateTracer\"}]")
            .unbounded());
    assertTrue(
        named(
                "debug_traceCall",
                "["
                    + tx(A)
                    + ",\"latest\",{\"tracer\":\"prestateTracer\",\"tracerConfig\":{\"diffMode\":true}}]")
            .unbounded());
    assertFalse(
        named("debug_traceCall", "[" + tx(A) + ",\"latest\",{\"tracer\":\"4byteTracer\"}]")
            .unbounded());
    assertFalse(
        named("trace_call", "[" + tx(A) + ",[\"trace\",\"VMTRACE\"],\"latest\"]").unbounded());
    for (String types :
        new String[] {
          "[\"stateDiff\"]", "[\"trace\",\"STATEDIFF\"]", "[1]", "\"trace\"", "[\"everything\"]"
        }) {
      assertTrue(
          named("trace_call", "[" + tx(A) + "," + types + ",\"latest\"]").unbounded(), types);
    }
  }
}
