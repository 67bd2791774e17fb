package dev.rpcshield.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProvenReceiptsTest {

  private static JsonNode block(String number) {
    return Fixtures.result(Fixtures.TXS, "eth_getBlockByNumber", number, "true");
  }

  private static JsonNode receipts(String number) {
    return Fixtures.result(Fixtures.TXS, "eth_getBlockReceipts", number, number);
  }

  private static ProvenBlock proven(String number) throws ProofException {
    JsonNode block = block(number);
    return ProvenBlock.of(block, Fixtures.hex(block.get("hash").asText()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x1", "0x2", "0x3"})
  void everyReceiptOfABlockIsProvenAndAnsweredAsTheNodeAnsweredItButForTheBlobGasPrice(
      String number) throws ProofException {
    ProvenReceipts proven = ProvenReceipts.of(proven(number), receipts(number));
    JsonNode receipts = receipts(number);
    for (int i = 0; i < receipts.size(); i++) {
      ObjectNode expected = receipts.get(i).deepCopy();
      expected.remove("blobGasPrice");
      assertEquals(expected, proven.receipt(i));
    }
  }

  @Test
  void eachReceiptIsTheOneEthGetTransactionReceiptAnswers() throws ProofException {
    ProvenReceipts proven = ProvenReceipts.of(proven("0x2"), receipts("0x2"));
    JsonNode txs = block("0x2").get("transactions");
    for (int i = 0; i < txs.size(); i++) {
      String hash = txs.get(i).get("hash").asText();
      ObjectNode own =
          Fixtures.result(Fixtures.TXS, "eth_getTransactionReceipt", hash, hash).deepCopy();
      own.remove("blobGasPrice");
      assertEquals(own, proven.receipt(i), "receipt " + i);
    }
  }

  private static void refused(String why, Consumer<ArrayNode> change) {
    ArrayNode receipts = receipts("0x2").deepCopy();
    change.accept(receipts);
    ProofException e =
        assertThrows(ProofException.class, () -> ProvenReceipts.of(proven("0x2"), receipts));
    assertEquals(why, e.getMessage());
  }

  private static ObjectNode r(ArrayNode receipts, int i) {
    return (ObjectNode) receipts.get(i);
  }

  private static ObjectNode log(ArrayNode receipts, int i, int j) {
    return (ObjectNode) receipts.get(i).get("logs").get(j);
  }

  @Test
  void aReceiptOtherThanTheBlockCommitsToIsRefused() {
    String root = "receipts do not encode to the receipts root";
    refused(root, rs -> r(rs, 3).put("status", "0x1"));
    refused(root, rs -> r(rs, 0).put("status", "0x0"));
    refused(root, rs -> log(rs, 0, 0).put("data", "0x"));
    refused(root, rs -> log(rs, 1, 1).put("address", "0x000000000000000000000000000000000000dead"));
    refused(root, rs -> ((ArrayNode) log(rs, 2, 0).get("topics")).remove(0));
    refused(root, rs -> ((ArrayNode) rs.get(7).get("logs")).remove(0));
    refused("receipts are not one per transaction", rs -> rs.remove(7));
    refused("receipt's type is not its transaction's", rs -> r(rs, 4).put("type", "0x2"));
  }

  @Test
  void whatAReceiptOnlyDerivesIsCheckedAgainstTheProvenBlock() {
    refused("gasUsed is not the one proven", rs -> r(rs, 1).put("gasUsed", "0x5208"));
    refused(
        "from is not the one proven",
        rs -> r(rs, 0).put("from", "0x000000000000000000000000000000000000dead"));
    refused(
        "to is not the one proven",
        rs -> r(rs, 0).put("to", "0x000000000000000000000000000000000000dead"));
    refused(
        "contractAddress is not the one proven",
        rs -> r(rs, 7).put("contractAddress", "0x000000000000000000000000000000000000dead"));
    refused(
        "contractAddress is not the one proven",
        rs -> r(rs, 0).put("contractAddress", "0x000000000000000000000000000000000000dead"));
    refused(
        "effectiveGasPrice is not the one proven", rs -> r(rs, 4).put("effectiveGasPrice", "0x1"));
    refused("blobGasUsed is not the one proven", rs -> r(rs, 1).put("blobGasUsed", "0x40000"));
    refused(
        "blobGasUsed on a receipt of no blob transaction",
        rs -> r(rs, 0).put("blobGasUsed", "0x1"));
    refused(
        "transactionHash is not the one proven",
        rs -> r(rs, 0).put("transactionHash", "0x" + "11".repeat(32)));
    refused("blockTimestamp is not the one proven", rs -> r(rs, 0).put("blockTimestamp", 1));
    refused("logIndex is not the one proven", rs -> log(rs, 1, 0).put("logIndex", "0x0"));
    refused(
        "transactionIndex is not the one proven",
        rs -> log(rs, 1, 0).put("transactionIndex", "0x0"));
    refused("a log of a proven block is not removed", rs -> log(rs, 1, 0).put("removed", true));
  }
}
