package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a dApp sees of the gateway's refusals through viem's and ethers' own clients (installed from
 * npm by the build, run by Node.js): the JSON-RPC code and message of each, from one request each.
 */
class DappClientsIT extends ItBase {
  /** Each call with the code it is refused with and a part of its message. */
  private static final List<String[]> REFUSED =
      List.of(
          new String[] {
            "[\"admin_addPeer\",[\"enode://00@127.0.0.1:30303\"]]",
            "-32601",
            "the method admin_addPeer does not exist/is not available"
          },
          new String[] {
            "[\"eth_getBalance\",[\"0x0000000000000000000000000000000000000001\",\"latest\"]]",
            "-32033",
            "refused by the API key's method allowlist"
          },
          new String[] {"[\"eth_sendRawTransaction\",[\"0xdeadbeef\"]]", "-32602", "truncated"},
          new String[] {
            "[\"eth_subscribe\",[\"newHeads\"]]",
            "-32601",
            "the method eth_subscribe is not available over HTTP"
          });

  @Test
  void viemAndEthersHandTheAppEachRefusalsCodeAndMessageFromOneRequest() throws Exception {
    Admin admin = new Admin(gateway);
    String account = admin.account("{\"name\":\"it-dapp\"}");
    String key =
        admin
            .key(
                account,
                "{\"allowlists\":{\"methods\":[\"eth_chainId\",\"eth_blockNumber\","
                    + "\"eth_sendRawTransaction\",\"eth_subscribe\"]}}")
            .get("key")
            .asText();
    String url = gateway.base().resolve("/v1/" + key).toString();
    StringBuilder calls = new StringBuilder("[");
    for (String[] r : REFUSED) {
      calls.append(calls.length() > 1 ? "," : "").append(r[0]);
    }
    double before = refusals();

    JsonNode seen = DappClients.run(url, calls.append(']').toString());

    for (String client : List.of("viem", "ethers")) {
      for (int i = 0; i < REFUSED.size(); i++) {
        JsonNode error = seen.get(client).get(i);
        assertEquals(
            Integer.parseInt(REFUSED.get(i)[1]), error.path("code").asInt(), client + " " + error);
        assertTrue(
            error.path("message").asText().contains(REFUSED.get(i)[2]), client + " " + error);
      }
    }
    assertEquals(
        2 * REFUSED.size(),
        refusals() - before,
        "one request per refusal: neither client retried one (" + seen + ")");
  }

  /** Every refusal counted so far, of any class. */
  private double refusals() {
    return gateway.metricSum("rpcshield_refusals_total\\{[^}]*}");
  }
}
