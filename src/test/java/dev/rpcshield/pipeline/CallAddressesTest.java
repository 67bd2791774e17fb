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
    assertTrue(named("eth_simulateV1", "[{}]").unbounded());
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
}
