package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.BlobTransactions;
import dev.rpcshield.testing.BlobTransactions.Form;
import dev.rpcshield.testing.BlobTransactions.Sidecar;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * Sender throttling through a running gateway: 3 transactions per sender per 60 s, chain 31337
 * only, the dev accounts used elsewhere exempt (src/test/liberty/server.env). Limiter state is in
 * the real Redis.
 */
class SenderIT extends ItBase {
  private static final Sidecar BLOB = BlobTransactions.sidecar(1);

  private static String send(String raw) {
    return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\",\"params\":[\""
        + raw
        + "\"]}";
  }

  private static String sendSync(String raw) {
    return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransactionSync\",\"params\":[\""
        + raw
        + "\"]}";
  }

  private boolean reachedAnUpstream(String raw) {
    return net.p1.bodies().stream().anyMatch(b -> b.contains(raw))
        || net.p2.bodies().stream().anyMatch(b -> b.contains(raw));
  }

  @Test
  void legacyAccessListDynamicFeeAndSetCodeTransactionsAreMined() {
    Credentials alice = DevAccounts.ALICE;
    long nonce = DevAccounts.nonce(gateway, alice);
    String[] raws = {
      DevAccounts.legacyTransfer(alice, nonce, 1),
      DevAccounts.accessListTransfer(alice, nonce + 1, 1),
      DevAccounts.transfer(alice, nonce + 2, 1),
      DevAccounts.setCode(alice, nonce + 3)
    };
    for (String raw : raws) {
      String hash = gateway.call("eth_sendRawTransaction", "[\"" + raw + "\"]").asText();
      JsonNode receipt = gateway.receipt(hash);
      assertTrue(
          receipt.has("status"),
          "no receipt for "
              + hash
              + "; direct: "
              + Gateway.direct(net.anvilA).call("eth_getTransactionReceipt", "[\"" + hash + "\"]")
              + " pending nonce "
              + DevAccounts.nonce(gateway, alice)
              + " started at "
              + nonce);
      assertEquals("0x1", receipt.get("status").asText(), receipt.toString());
    }
  }

  @Test
  void blobTransactionsInEip4844NetworkFormAreMinedAndCountedForTheirSender() {
    blobTransactionsAreMinedAndCounted(Form.NETWORK);
  }

  @Test
  void blobTransactionsInEip7594NetworkFormAreMinedAndCountedForTheirSender() {
    blobTransactionsAreMinedAndCounted(Form.CELL_PROOFS);
  }

  /**
   * A funded sender that is not exempt submits blob transactions with an access list and one real
   * blob: the first three reach anvil as sent and are mined, the fourth is refused by the sender
   * throttle, so each of them was charged to the address that signed it. One transaction of the
   * same form goes to anvil directly first: anvil loads its KZG setup for cell proofs on the first
   * one (3.5 s here), longer than the test server's 2 s upstream timeout.
   */
  private void blobTransactionsAreMinedAndCounted(Form form) {
    Gateway anvil = Gateway.direct(net.anvilA);
    Credentials warmUp = funded(anvil);
    anvil.receipt(
        anvil
            .call(
                "eth_sendRawTransaction",
                "[\"" + BlobTransactions.sign(form, warmUp, TestNet.CHAIN_ID, 0, BLOB) + "\"]")
            .asText());
    Credentials sender = funded(anvil);
    for (int nonce = 0; nonce < 3; nonce++) {
      String raw = BlobTransactions.sign(form, sender, TestNet.CHAIN_ID, nonce, BLOB);
      Gateway.Response r = gateway.post(send(raw));
      assertEquals(200, r.status(), r.body());
      assertTrue(reachedAnUpstream(raw), "the network form reaches anvil byte for byte");
      JsonNode receipt = gateway.receipt(r.json().get("result").asText());
      assertEquals("0x3", receipt.get("type").asText(), receipt.toString());
      assertEquals("0x1", receipt.get("status").asText(), receipt.toString());
    }
    String fourth = BlobTransactions.sign(form, sender, TestNet.CHAIN_ID, 3, BLOB);
    Gateway.Response refused = gateway.post(send(fourth));
    assertEquals(200, refused.status(), refused.body());
    assertEquals(-32017, refused.json().get("error").get("code").asInt());
    assertTrue(!reachedAnUpstream(fourth), "a throttled blob transaction never reaches anvil");
  }

  /** A fresh key with 1 ETH on anvil A. */
  private static Credentials funded(Gateway anvil) {
    Credentials key = DevAccounts.fresh();
    anvil.call("anvil_setBalance", "[\"" + key.getAddress() + "\",\"0xde0b6b3a7640000\"]");
    return key;
  }

  @Test
  void oneSendersBurstIsThrottledWhileAnotherStillGetsThrough() {
    Credentials spammer = DevAccounts.fresh();
    for (int i = 0; i < 3; i++) {
      Gateway.Response r = gateway.post(send(DevAccounts.transfer(spammer, i, 1)));
      assertNotEquals(-32017, r.json().path("error").path("code").asInt(), r.body());
    }
    String fourth = DevAccounts.transfer(spammer, 3, 1);
    Gateway.Response refused = gateway.post(send(fourth));
    assertEquals(200, refused.status(), refused.body());
    assertEquals(-32017, refused.json().get("error").get("code").asInt());
    assertTrue(
        refused.json().get("error").get("message").asText().contains("sender is over rate limit"));
    assertNotNull(refused.header("Retry-After"));
    JsonNode data = refused.json().get("error").get("data");
    assertEquals(
        Long.parseLong(refused.header("Retry-After")),
        data.get("retryAfterSeconds").asLong(),
        refused.body());
    assertTrue(data.get("requestId").asText().matches("[0-9a-f]{8}-[0-9a-z]+"), refused.body());
    assertTrue(Long.parseLong(refused.header("Retry-After")) >= 1);
    assertTrue(!reachedAnUpstream(fourth), "a throttled transaction never reaches anvil");

    String replacement = DevAccounts.transfer(spammer, 0, 2);
    assertEquals(
        -32017,
        gateway.post(send(replacement)).json().get("error").get("code").asInt(),
        "a fee bump of a pending nonce counts too");

    String other = DevAccounts.transfer(DevAccounts.fresh(), 0, 1);
    Gateway.Response ok = gateway.post(send(other));
    assertNotEquals(-32017, ok.json().path("error").path("code").asInt(), ok.body());
    assertTrue(reachedAnUpstream(other), "a second sender's transaction reaches anvil");
  }

  @Test
  void synchronousSubmissionsAreDecodedAndThrottledLikeAnyOther() {
    Credentials spammer = DevAccounts.fresh();
    for (int i = 0; i < 3; i++) {
      Gateway.Response r = gateway.post(sendSync(DevAccounts.transfer(spammer, i, 1)));
      assertNotEquals(-32017, r.json().path("error").path("code").asInt(), r.body());
    }
    String fourth = DevAccounts.transfer(spammer, 3, 1);
    Gateway.Response refused = gateway.post(sendSync(fourth));
    assertEquals(-32017, refused.json().get("error").get("code").asInt(), refused.body());
    assertTrue(!reachedAnUpstream(fourth), "a throttled transaction never reaches anvil");
    Gateway.Response garbage = gateway.post(sendSync("0x02deadbeef"));
    assertEquals(-32602, garbage.json().get("error").get("code").asInt(), garbage.body());
  }

  @Test
  void twoGatewayInstancesShareOneSenderBudget() {
    Gateway second = SecondGateway.get().client();
    Credentials spammer = DevAccounts.fresh();
    Gateway[] alternate = {gateway, second, gateway};
    for (int i = 0; i < 3; i++) {
      Gateway.Response r = alternate[i].post(send(DevAccounts.transfer(spammer, i, 1)));
      assertNotEquals(-32017, r.json().path("error").path("code").asInt(), r.body());
    }
    Gateway.Response refused = second.post(send(DevAccounts.transfer(spammer, 3, 1)));
    assertEquals(200, refused.status(), refused.body());
    assertEquals(-32017, refused.json().get("error").get("code").asInt());
  }

  @Test
  void batchMembersAreThrottledOneByOne() {
    Credentials spammer = DevAccounts.fresh();
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < 4; i++) {
      b.append(i == 0 ? "" : ",")
          .append(
              "{\"jsonrpc\":\"2.0\",\"id\":"
                  + i
                  + ",\"method\":\"eth_sendRawTransaction\",\"params\":[\"")
          .append(DevAccounts.transfer(spammer, i, 1))
          .append("\"]}");
    }
    Gateway.Response r = gateway.post(b.append("]").toString());
    assertEquals(200, r.status());
    assertEquals(4, r.json().size());
    for (int i = 0; i < 3; i++) {
      assertNotEquals(-32017, r.json().get(i).path("error").path("code").asInt(), r.body());
    }
    assertEquals(-32017, r.json().get(3).get("error").get("code").asInt(), r.body());
  }

  @Test
  void undecodableAndForeignTransactionsAreRefusedBeforeAnyUpstream() {
    String[][] cases = {
      {"0xdeadbeef", "truncated"},
      {"0x05f86580", "unknown transaction type 0x05"},
      {"0xzz", "non-hex"},
      {DevAccounts.transferOnChain(DevAccounts.fresh(), 1), "chain id 1 is not served here"},
    };
    for (String[] c : cases) {
      Gateway.Response r = gateway.post(send(c[0]));
      assertEquals(200, r.status(), r.body());
      assertEquals(-32602, r.json().get("error").get("code").asInt());
      assertTrue(r.json().get("error").get("message").asText().contains(c[1]), r.body());
      assertTrue(!reachedAnUpstream(c[0]), "garbage reached anvil: " + c[0]);
    }
  }

  @Test
  void perMethodRateLimitAnswers429WithRetryAfterAndRateHeaders() {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_clientVersion\",\"params\":[]}";
    Gateway.Response last = null;
    for (int i = 0; i < 5 && (last == null || last.status() == 200); i++) {
      last = gateway.post(body);
    }
    assertEquals(429, last.status(), last.body());
    assertEquals(-32005, last.json().get("error").get("code").asInt());
    assertTrue(
        last.json().get("error").get("message").asText().contains("method:web3_clientVersion"));
    assertNotNull(last.header("Retry-After"));
    assertEquals("2", last.header("X-RateLimit-Limit"));
    assertEquals("0", last.header("X-RateLimit-Remaining"));
    assertNotNull(last.header("X-RateLimit-Reset"));
  }
}
