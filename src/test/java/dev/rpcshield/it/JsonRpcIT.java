package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** JSON-RPC 2.0 through a running gateway in front of real anvil nodes. */
class JsonRpcIT extends ItBase {

  private int upstreamRequests() {
    return net.p1.requests() + net.p2.requests();
  }

  @Test
  void readsChainIdAndBalanceLikeANode() {
    assertEquals("0x7a69", gateway.call("eth_chainId", "[]").asText());
    String balance =
        gateway
            .call("eth_getBalance", "[\"" + DevAccounts.CAROL.getAddress() + "\",\"latest\"]")
            .asText();
    assertTrue(new java.math.BigInteger(balance.substring(2), 16).signum() > 0, balance);
  }

  @Test
  void sendsSignedTransactionsOfBothKindsAndReadsTheirReceipts() {
    long nonce = DevAccounts.nonce(gateway, DevAccounts.ALICE);
    for (String raw :
        new String[] {
          DevAccounts.transfer(DevAccounts.ALICE, nonce, 1000),
          DevAccounts.legacyTransfer(DevAccounts.ALICE, nonce + 1, 2000)
        }) {
      String hash = gateway.call("eth_sendRawTransaction", "[\"" + raw + "\"]").asText();
      JsonNode receipt = gateway.receipt(hash);
      assertEquals("0x1", receipt.get("status").asText(), receipt.toString());
      assertEquals(hash, receipt.get("transactionHash").asText());
    }
    assertEquals(
        1,
        net.p1.bodies().stream()
            .filter(b ->
                b.contains("eth_sendRawTransaction")
                    && b.contains(DevAccounts.transfer(DevAccounts.ALICE, nonce, 1000)))
            .count());
  }

  /** Methods of the current execution-apis specification that anvil serves, through @standard. */
  @Test
  void currentSpecificationMethodsAreAnsweredAsTheNodeAnswersThem() {
    Gateway anvil = Gateway.direct(net.anvilA);
    String slot = "\"0x" + "0".repeat(64) + "\"";
    String[][] calls = {
      {"eth_config", "[]"},
      {"eth_getStorageValues", "[{\"" + DevAccounts.SINK + "\":[" + slot + "]},\"latest\"]"},
      {"eth_coinbase", "[]"},
    };
    for (String[] c : calls) {
      assertEquals(anvil.call(c[0], c[1]), gateway.call(c[0], c[1]), c[0]);
    }
    JsonNode simulated =
        gateway.call("eth_simulateV1", "[{\"blockStateCalls\":[{\"calls\":[]}]},\"latest\"]");
    assertEquals(1, simulated.size(), simulated.toString());
    assertTrue(simulated.get(0).has("calls"), simulated.toString());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"1", "\"abc\"", "null", "-5", "12345678901234567890123", "1.5", "\"\\u00e9\""})
  void idComesBackByteForByte(String id) {
    Gateway.Response r =
        gateway.post(
            "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"eth_chainId\",\"params\":[]}");
    assertEquals(200, r.status());
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\"0x7a69\"}", r.body());
  }

  @Test
  void batchAnswersEveryMemberInOrderAndSplitsIntoMinibatches() throws Exception {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < 10; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"jsonrpc\":\"2.0\",\"id\":\"m")
          .append(i)
          .append("\",\"method\":\"eth_chainId\",\"params\":[]}");
    }
    b.append(",{\"jsonrpc\":\"2.0\",\"id\":\"net\",\"method\":\"net_version\",\"params\":[]}");
    b.append(",{\"jsonrpc\":\"2.0\",\"id\":\"acc\",\"method\":\"eth_accounts\",\"params\":[]}");
    b.append(
        ",{\"jsonrpc\":\"2.0\",\"id\":\"bad\",\"method\":\"debug_traceTransaction\",\"params\":[]}");
    b.append(",7]");
    Gateway.Response r = gateway.post(b.toString());
    assertEquals(200, r.status());
    JsonNode json = r.json();
    assertEquals(14, json.size());
    for (int i = 0; i < 10; i++) {
      assertEquals("m" + i, json.get(i).get("id").asText());
      assertEquals("0x7a69", json.get(i).get("result").asText());
    }
    assertEquals(
        "31338", json.get(10).get("result").asText(), "net_version is routed to group second");
    assertEquals(0, json.get(11).get("result").size(), "eth_accounts answered locally");
    assertEquals(-32601, json.get(12).get("error").get("code").asInt());
    assertEquals(-32600, json.get(13).get("error").get("code").asInt());
    assertTrue(json.get(13).get("id").isNull());
    for (String body : net.p1.bodies()) {
      assertTrue(body.startsWith("{") || Gateway.JSON.readTree(body).size() <= 4, body);
    }
  }

  @Test
  void notificationsGetNoAnswer() {
    Gateway.Response single =
        gateway.post("{\"jsonrpc\":\"2.0\",\"method\":\"eth_chainId\",\"params\":[]}");
    assertEquals(200, single.status());
    assertEquals("", single.body());
    Gateway.Response batch =
        gateway.post(
            "[{\"jsonrpc\":\"2.0\",\"method\":\"eth_chainId\"},{\"jsonrpc\":\"2.0\",\"method\":\"eth_blockNumber\"}]");
    assertEquals("", batch.body());
    Gateway.Response mixed =
        gateway.post(
            "[{\"jsonrpc\":\"2.0\",\"method\":\"eth_chainId\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"eth_chainId\"}]");
    assertEquals(1, mixed.json().size());
    assertEquals(2, mixed.json().get(0).get("id").asInt());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"jsonrpc\":\"2.0\",\"id\":1,|400|-32700",
        "not json|400|-32700",
        "[]|400|-32600",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"eth_chainId\"}|400|-32600",
        "{\"jsonrpc\":\"2.0\",\"id\":1}|400|-32600",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}|400|-32600",
        "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"eth_chainId\"}|400|-32600",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"method\":\"eth_sendRawTransaction\"}|400|-32600",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}|400|-32600",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_addPeer\",\"params\":[]}|200|-32601",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"anvil_setBalance\",\"params\":[]}|200|-32601",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}|200|-32601",
      })
  void refusesBadInputWithoutReachingAnUpstream(String body, int status, int code) {
    int before = upstreamRequests();
    Gateway.Response r = gateway.post(body);
    assertEquals(status, r.status(), r.body());
    assertEquals(code, r.json().get("error").get("code").asInt(), r.body());
    assertFalse(r.json().get("error").get("message").asText().isBlank());
    assertEquals(
        r.header("X-Request-Id"),
        r.json().get("error").get("data").get("requestId").asText(),
        "the error names the request as its X-Request-Id does");
    assertEquals(before, upstreamRequests(), "bad input must never reach an upstream");
  }

  @Test
  void everyAnswerCarriesTheClientsRequestIdOrANewOne() {
    Gateway.Response own =
        gateway.post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}",
            "X-Request-Id",
            "trace-7f3a:upstream/1");
    assertEquals(200, own.status(), own.body());
    assertEquals("trace-7f3a:upstream/1", own.header("X-Request-Id"));

    Gateway.Response refused =
        gateway.post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_addPeer\",\"params\":[]}",
            "X-Request-Id",
            "trace-7f3b");
    assertEquals("trace-7f3b", refused.header("X-Request-Id"));
    assertEquals("trace-7f3b", refused.json().get("error").get("data").get("requestId").asText());

    Gateway.Response unusable =
        gateway.post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin_addPeer\",\"params\":[]}",
            "X-Request-Id",
            "a\"b");
    String made = unusable.header("X-Request-Id");
    assertTrue(made.matches("[0-9a-f]{8}-[0-9a-z]+"), made);
    assertEquals(made, unusable.json().get("error").get("data").get("requestId").asText());

    Gateway.Response none =
        gateway.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}");
    assertTrue(
        none.header("X-Request-Id").matches("[0-9a-f]{8}-[0-9a-z]+"), none.header("X-Request-Id"));
    assertNotEquals(made, none.header("X-Request-Id"));
  }

  @Test
  void sizeLimitsHaveTheirOwnCodes() {
    Gateway.Response big =
        gateway.post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":[\""
                + "a".repeat(600_000)
                + "\"]}");
    assertEquals(413, big.status());
    assertEquals(-32021, big.json().get("error").get("code").asInt());
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < 21; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"eth_chainId\"}");
    }
    Gateway.Response batch = gateway.post(b.append("]").toString());
    assertEquals(400, batch.status());
    assertEquals(-32014, batch.json().get("error").get("code").asInt());
  }

  @Test
  void pathsAndMethods() {
    Gateway.Response badKey =
        gateway.postTo("/v1/somekey", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}");
    assertEquals(401, badKey.status(), "a key that is not ours is refused, not served anonymously");
    assertEquals(-32030, badKey.json().get("error").get("code").asInt());
    assertEquals(
        404,
        gateway
            .postTo("/other", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}")
            .status());
    Gateway.Response get =
        gateway.send(java.net.http.HttpRequest.newBuilder(gateway.base()).GET().build());
    assertEquals(405, get.status());
  }

  @Test
  void forwardsTheClientIpOnlyFromTrustedProxies() {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}";
    gateway.post(body, "X-Forwarded-For", "198.51.100.1, 203.0.113.7");
    assertEquals("203.0.113.7", net.p1.lastHeader("X-Forwarded-For"));
    Gateway.from("127.0.0.2").post(body, "X-Forwarded-For", "203.0.113.9");
    assertEquals("127.0.0.2", net.p1.lastHeader("X-Forwarded-For"));
  }
}
