package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rpcshield.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Per-key allowlists and key secrets through the running gateway in front of anvil: each list
 * accepts and refuses as specified, a batch member naming a forbidden contract is refused alone,
 * overrides and simulated calls are read and code overrides refused, a sender is checked where the
 * answer shows its state, the secret skips the lists, changes reach a second instance, and the
 * admin API validates input.
 */
class AllowlistIT extends ItBase {
  private static final String A = "0x1111111111111111111111111111111111111111";
  private static final String B = "0x2222222222222222222222222222222222222222";
  private static final String CHAIN_ID = call(1, "eth_chainId", "[]");

  private final Admin admin = new Admin(gateway);

  private static String call(int id, String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\""
        + method
        + "\",\"params\":"
        + params
        + "}";
  }

  /** A new key with these allowlists (JSON object) and extra creation fields; the whole answer. */
  private JsonNode key(String allowlists, String extra) {
    String account = admin.account("{\"name\":\"it-allowlist\"}");
    Gateway.Response r =
        admin.call(
            "POST",
            "/accounts/" + account + "/keys",
            "{\"label\":\"web\",\"allowlists\":" + allowlists + extra + "}");
    assertEquals(201, r.status(), r.body());
    return r.json();
  }

  /**
   * The method and contract lists refuse the call, answered as a node's call error (HTTP 200); the
   * origin, address and User-Agent lists refuse the caller (403).
   */
  private static void assertRefusedBy(Gateway.Response r, String list) {
    boolean aboutTheCall = list.equals("method") || list.equals("contract");
    assertEquals(aboutTheCall ? 200 : 403, r.status(), r.body());
    JsonNode error = r.json().get("error");
    assertEquals(-32033, error.get("code").asInt(), r.body());
    assertEquals("refused by the API key's " + list + " allowlist", error.get("message").asText());
  }

  @Test
  void theOriginListAdmitsItsPagesOnlyAndTheRefusalIsReadableByThePage() {
    String key =
        key("{\"origins\":[\"https://app.example\",\"https://*.dapp.example\"]}", "")
            .get("key")
            .asText();
    assertEquals(
        200, gateway.post(CHAIN_ID, "X-API-Key", key, "Origin", "https://app.example").status());
    assertEquals(
        200, gateway.post(CHAIN_ID, "X-API-Key", key, "Origin", "https://a.dapp.example").status());
    Gateway.Response other =
        gateway.postTo("/v1/" + key, CHAIN_ID, "Origin", "https://x.dapp.example.evil");
    assertRefusedBy(other, "origin");
    assertFalse(other.body().contains("dapp.example"), "the list is never echoed");
    assertRefusedBy(gateway.post(CHAIN_ID, "X-API-Key", key), "origin");
    Gateway.Response cors =
        gateway.postTo("/v1/" + key, CHAIN_ID, "Origin", "https://x.dapp.example");
    assertEquals(200, cors.status());
    assertEquals("https://x.dapp.example", cors.header("Access-Control-Allow-Origin"));
  }

  @Test
  void theAddressAndUserAgentListsAreAndedWithEachOther() {
    String key =
        key("{\"cidrs\":[\"203.0.113.0/24\",\"2001:db8::/32\"],\"userAgents\":[\"dapp-sdk/\"]}", "")
            .get("key")
            .asText();
    assertEquals(
        200,
        gateway
            .post(
                CHAIN_ID,
                "X-API-Key",
                key,
                "X-Forwarded-For",
                "203.0.113.7",
                "User-Agent",
                "dapp-sdk/1.2")
            .status());
    assertRefusedBy(
        gateway.post(
            CHAIN_ID,
            "X-API-Key",
            key,
            "X-Forwarded-For",
            "198.51.100.7",
            "User-Agent",
            "dapp-sdk/1"),
        "client address");
    assertRefusedBy(
        gateway.post(
            CHAIN_ID, "X-API-Key", key, "X-Forwarded-For", "203.0.113.7", "User-Agent", "curl/8"),
        "User-Agent");
  }

  @Test
  void theMethodListTakesNamesAndPrefixes() {
    String key = key("{\"methods\":[\"eth_chainId\",\"eth_get*\"]}", "").get("key").asText();
    assertEquals(200, gateway.post(CHAIN_ID, "X-API-Key", key).status());
    assertEquals(
        200,
        gateway
            .post(call(1, "eth_getBalance", "[\"" + A + "\",\"latest\"]"), "X-API-Key", key)
            .status());
    assertRefusedBy(gateway.post(call(1, "eth_blockNumber", "[]"), "X-API-Key", key), "method");
  }

  @Test
  void everyAddressACallNamesMustBeOnTheContractList() {
    String key =
        key("{\"contracts\":[\"" + A.toUpperCase().replace("0X", "0x") + "\"]}", "")
            .get("key")
            .asText();
    Gateway.Response batch =
        gateway.post(
            "["
                + call(1, "eth_call", "[{\"to\":\"" + A + "\",\"data\":\"0x\"},\"latest\"]")
                + ","
                + call(2, "eth_call", "[{\"to\":\"" + B + "\",\"data\":\"0x\"},\"latest\"]")
                + ","
                + call(3, "eth_chainId", "[]")
                + "]",
            "X-API-Key",
            key);
    assertEquals(200, batch.status());
    JsonNode members = batch.json();
    assertEquals(3, members.size(), batch.body());
    for (JsonNode m : members) {
      int id = m.get("id").asInt();
      if (id == 2) {
        assertEquals(-32033, m.get("error").get("code").asInt(), batch.body());
      } else {
        assertTrue(m.has("result"), batch.body());
      }
    }
    String logsA = "[{\"address\":[\"" + A + "\"],\"fromBlock\":\"0x0\",\"toBlock\":\"latest\"}]";
    String logsAB =
        "[{\"address\":[\""
            + A
            + "\",\""
            + B
            + "\"],\"fromBlock\":\"0x0\",\"toBlock\":\"latest\"}]";
    assertEquals(200, gateway.post(call(1, "eth_getLogs", logsA), "X-API-Key", key).status());
    assertRefusedBy(gateway.post(call(1, "eth_getLogs", logsAB), "X-API-Key", key), "contract");
    assertRefusedBy(
        gateway.post(call(1, "eth_getLogs", "[{\"fromBlock\":\"0x0\"}]"), "X-API-Key", key),
        "contract");
    assertEquals(
        200,
        gateway
            .post(call(1, "eth_getCode", "[\"" + A + "\",\"latest\"]"), "X-API-Key", key)
            .status());
    assertRefusedBy(
        gateway.post(call(1, "eth_getBalance", "[\"" + B + "\",\"latest\"]"), "X-API-Key", key),
        "contract");
    String toSink = DevAccounts.transfer(DevAccounts.fresh(), 0, 1);
    assertRefusedBy(
        gateway.post(call(1, "eth_sendRawTransaction", "[\"" + toSink + "\"]"), "X-API-Key", key),
        "contract");
  }

  @Test
  void aContractListReadsOverridesAndEveryCallOfASimulationAndRefusesCodeOverrides() {
    String key = key("{\"contracts\":[\"" + A + "\"]}", "").get("key").asText();
    String alice = DevAccounts.ALICE.getAddress();
    // At A: PUSH20 alice, BALANCE, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN.
    String readsAlice = "0x73" + alice.substring(2) + "3160005260206000f3";
    String toA = "{\"to\":\"" + A + "\",\"data\":\"0x\"}";
    String codeAtA = "{\"" + A + "\":{\"code\":\"" + readsAlice + "\"}}";
    for (String method : new String[] {"eth_call", "eth_estimateGas"}) {
      Gateway.Response r =
          gateway.post(
              call(1, method, "[" + toA + ",\"latest\"," + codeAtA + "]"), "X-API-Key", key);
      assertRefusedBy(r, "contract");
    }
    Gateway.Response plain =
        gateway.post(call(1, "eth_call", "[" + toA + ",\"latest\"]"), "X-API-Key", key);
    assertEquals("0x", plain.json().path("result").asText(), plain.body());
    String balanceOfA = "{\"" + A + "\":{\"balance\":\"0x1\"}}";
    Gateway.Response funded =
        gateway.post(
            call(1, "eth_call", "[" + toA + ",\"latest\"," + balanceOfA + "]"), "X-API-Key", key);
    assertEquals("0x", funded.json().path("result").asText(), funded.body());
    assertRefusedBy(
        gateway.post(
            call(1, "eth_call", "[" + toA + ",\"latest\",{\"" + B + "\":{\"balance\":\"0x1\"}}]"),
            "X-API-Key",
            key),
        "contract");
    assertRefusedBy(
        gateway.post(
            call(1, "eth_call", "[" + toA + ",\"latest\",{},{\"feeRecipient\":\"" + B + "\"}]"),
            "X-API-Key",
            key),
        "contract");
    assertRefusedBy(
        gateway.post(
            call(1, "eth_fillTransaction", "[{\"to\":\"" + A + "\",\"from\":\"" + alice + "\"}]"),
            "X-API-Key",
            key),
        "contract");
    Gateway.Response filled =
        gateway.post(
            call(1, "eth_fillTransaction", "[{\"to\":\"" + A + "\",\"from\":\"" + A + "\"}]"),
            "X-API-Key",
            key);
    assertTrue(filled.json().path("result").has("raw"), filled.body());
    Gateway.Response simulated =
        gateway.post(
            call(
                1,
                "eth_simulateV1",
                "[{\"blockStateCalls\":[{\"calls\":[" + toA + "]}]},\"latest\"]"),
            "X-API-Key",
            key);
    assertEquals(1, simulated.json().path("result").size(), simulated.body());
    assertRefusedBy(
        gateway.post(
            call(
                1,
                "eth_simulateV1",
                "[{\"blockStateCalls\":[{\"stateOverrides\":"
                    + codeAtA
                    + ",\"calls\":["
                    + toA
                    + "]}]},\"latest\"]"),
            "X-API-Key",
            key),
        "contract");
    assertRefusedBy(
        gateway.post(
            call(
                1,
                "eth_simulateV1",
                "[{\"blockStateCalls\":[{\"calls\":["
                    + toA
                    + ",{\"to\":\""
                    + B
                    + "\"}]}]},\"latest\"]"),
            "X-API-Key",
            key),
        "contract");
  }

  @Test
  void aCallNamesItsSenderWhereItsAnswerShowsTheSendersState() {
    String key = key("{\"contracts\":[\"" + A + "\"]}", "").get("key").asText();
    String alice = DevAccounts.ALICE.getAddress();
    String fromAlice = "{\"from\":\"" + alice + "\",\"to\":\"" + A + "\"";
    Gateway.Response plain =
        gateway.post(call(1, "eth_call", "[" + fromAlice + "},\"latest\"]"), "X-API-Key", key);
    assertEquals("0x", plain.json().path("result").asText(), plain.body());
    // Whether a call moving more than alice holds fails tells her balance, one bit per call.
    assertRefusedBy(
        gateway.post(
            call(
                1,
                "eth_call",
                "[" + fromAlice + ",\"value\":\"0xffffffffffffffffffffffff\"},\"latest\"]"),
            "X-API-Key",
            key),
        "contract");
    assertRefusedBy(
        gateway.post(
            call(1, "eth_estimateGas", "[" + fromAlice + ",\"maxFeePerGas\":\"0x3b9aca00\"}]"),
            "X-API-Key",
            key),
        "contract");
    Gateway.Response listedSender =
        gateway.post(
            call(
                1,
                "eth_call",
                "[{\"from\":\""
                    + A
                    + "\",\"to\":\""
                    + A
                    + "\",\"value\":\"0x1\"},\"latest\",{\""
                    + A
                    + "\":{\"balance\":\"0xffffffffffffffffffff\"}}]"),
            "X-API-Key",
            key);
    assertEquals("0x", listedSender.json().path("result").asText(), listedSender.body());
    // A simulated transaction shows its sender's nonce.
    assertRefusedBy(
        gateway.post(
            call(
                1,
                "eth_simulateV1",
                "[{\"blockStateCalls\":[{\"calls\":["
                    + fromAlice
                    + "}]}],\"returnFullTransactions\":true},\"latest\"]"),
            "X-API-Key",
            key),
        "contract");
    Gateway.Response simulated =
        gateway.post(
            call(
                1,
                "eth_simulateV1",
                "[{\"blockStateCalls\":[{\"calls\":[{\"from\":\""
                    + A
                    + "\",\"to\":\""
                    + A
                    + "\"}]}],\"returnFullTransactions\":true},\"latest\"]"),
            "X-API-Key",
            key);
    assertEquals(1, simulated.json().path("result").size(), simulated.body());
  }

  @Test
  void theSecretSkipsTheListsAndARequiredSecretMustBePresented() {
    JsonNode created = key("{\"origins\":[\"https://app.example\"]}", ",\"secret\":true");
    String key = created.get("key").asText();
    String secret = created.get("secret").asText();
    assertTrue(created.get("hasSecret").asBoolean());
    assertRefusedBy(gateway.post(CHAIN_ID, "X-API-Key", key), "origin");
    assertEquals(200, gateway.post(CHAIN_ID, "X-API-Key", key, "X-API-Secret", secret).status());
    String basic =
        "Basic "
            + Base64.getEncoder().encodeToString((":" + secret).getBytes(StandardCharsets.UTF_8));
    assertEquals(200, gateway.postTo("/v1/" + key, CHAIN_ID, "Authorization", basic).status());
    Gateway.Response wrong = gateway.post(CHAIN_ID, "X-API-Key", key, "X-API-Secret", "nope");
    assertEquals(401, wrong.status());
    assertEquals(-32030, wrong.json().get("error").get("code").asInt());

    String id = created.get("id").asText();
    Gateway.Response required = admin.call("PATCH", "/keys/" + id, "{\"secretRequired\":true}");
    assertEquals(200, required.status(), required.body());
    assertTrue(required.json().get("secretRequired").asBoolean());
    Eventually.within(Duration.ofSeconds(2), "a request without the secret is refused")
        .until(() ->
            gateway.post(CHAIN_ID, "X-API-Key", key, "Origin", "https://app.example").status()
                == 401);
    assertEquals(200, gateway.post(CHAIN_ID, "X-API-Key", key, "X-API-Secret", secret).status());
  }

  @Test
  void aChangeReachesASecondInstanceWithinASecond() {
    Gateway second = SecondGateway.get().client();
    JsonNode created = key("{}", "");
    String key = created.get("key").asText();
    String blockNumber = call(1, "eth_blockNumber", "[]");
    assertEquals(200, second.post(blockNumber, "X-API-Key", key).status());
    assertEquals(200, gateway.post(blockNumber, "X-API-Key", key).status());
    Gateway.Response r =
        admin.call(
            "PATCH",
            "/keys/" + created.get("id").asText(),
            "{\"allowlists\":{\"methods\":[\"eth_chainId\"]}}");
    assertEquals(200, r.status(), r.body());
    assertEquals("eth_chainId", r.json().get("allowlists").get("methods").get(0).asText());
    long changed = System.nanoTime();
    Eventually.within(Duration.ofSeconds(2), "both instances apply the method list")
        .until(() ->
            refusedByTheMethodList(second.post(blockNumber, "X-API-Key", key))
                && refusedByTheMethodList(gateway.post(blockNumber, "X-API-Key", key)));
    Duration took = Duration.ofNanos(System.nanoTime() - changed);
    assertTrue(took.compareTo(Duration.ofMillis(1500)) < 0, "applied after " + took);
    assertEquals(200, second.post(CHAIN_ID, "X-API-Key", key).status());
  }

  private static boolean refusedByTheMethodList(Gateway.Response r) {
    return r.status() == 200 && r.json().path("error").path("code").asInt() == -32033;
  }

  @Test
  void webSocketHandshakesCheckTheClientListsAndMessagesTheMethodList() throws Exception {
    String originKey = key("{\"origins\":[\"https://other.example\"]}", "").get("key").asText();
    try (RawSocket app = new RawSocket("/v1/" + originKey, "https://app.example")) {
      assertEquals(403, app.status());
    }
    String methodKey = key("{\"methods\":[\"eth_chainId\"]}", "").get("key").asText();
    try (Socket ws = new Socket("/v1/" + methodKey)) {
      assertEquals("0x7a69", ws.call(CHAIN_ID).get("result").asText());
      JsonNode refused = ws.call(call(2, "eth_blockNumber", "[]"));
      assertEquals(-32033, refused.get("error").get("code").asInt(), refused.toString());
    }
  }

  @Test
  void refusalsCountAsTheirOwnClassInMetrics() {
    String key = key("{\"methods\":[\"eth_chainId\"]}", "").get("key").asText();
    double before = allowlistRefusals();
    gateway.post(call(1, "eth_blockNumber", "[]"), "X-API-Key", key);
    assertTrue(allowlistRefusals() >= before + 1);
  }

  private double allowlistRefusals() {
    return gateway.metricSum("rpcshield_refusals_total\\{[^}]*class=\"allowlist\"[^}]*}");
  }

  @Test
  void theAdminApiRefusesBadListsNamingTheField() {
    String account = admin.account("{\"name\":\"it-allowlist-bad\"}");
    String id = admin.key(account).get("id").asText();
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 31; i++) {
      many.append(i == 0 ? "" : ",").append("\"0x").append(String.format("%040x", i)).append('"');
    }
    String[][] cases = {
      {"{\"allowlists\":{\"contracts\":[" + many + "]}}", "allowlists.contracts"},
      {"{\"allowlists\":{\"origins\":[\"app.example/path\"]}}", "allowlists.origins"},
      {"{\"allowlists\":{\"cidrs\":[\"10.0.0.0/99\"]}}", "allowlists.cidrs"},
      {"{\"allowlists\":{\"colours\":[\"red\"]}}", "allowlists.colours"},
      {"{\"allowlists\":{\"methods\":\"eth_call\"}}", "allowlists.methods"},
      {"{\"allowlists\":[]}", "allowlists"},
      {"{\"secretRequired\":true}", "secretRequired"},
    };
    for (String[] c : cases) {
      Gateway.Response r = admin.call("PATCH", "/keys/" + id, c[0]);
      assertEquals(400, r.status(), c[0] + " -> " + r.body());
      assertEquals(c[1], r.json().get("field").asText(), r.body());
      assertFalse(r.body().contains("Exception"), r.body());
    }
    assertEquals(404, admin.call("PATCH", "/keys/" + java.util.UUID.randomUUID(), "{}").status());
  }
}
