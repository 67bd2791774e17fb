package dev.rpcshield.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProvenBlockTest {
  /** The fields of anvil's answers that the chain does not commit to, which a proof leaves out. */
  private static final Set<String> UNPROVEN_BLOCK_FIELDS = Set.of("totalDifficulty");

  private static final Set<String> BLOB_SIDECAR = Set.of("blobs", "commitments", "proofs");

  /** Every block with full transactions anvil answered, of every fork and the transactions. */
  static Stream<JsonNode> fullBlocks() {
    List<JsonNode> blocks = new ArrayList<>();
    List<String> files = new ArrayList<>();
    Fixtures.FORKS.forEach(f -> files.add("anvil-" + f + "-blocks.json"));
    files.add(Fixtures.TXS);
    for (String file : files) {
      for (JsonNode a : Fixtures.load(file).get("answers")) {
        JsonNode params = a.get("params");
        if (a.get("method").asText().startsWith("eth_getBlockBy")
            && params.get(1).asBoolean()
            && !params.get(0).asText().equals("0x0")) {
          blocks.add(a.get("result"));
        }
      }
    }
    return blocks.stream();
  }

  private static JsonNode txBlock(String number, boolean full) {
    return Fixtures.result(Fixtures.TXS, "eth_getBlockByNumber", number, String.valueOf(full));
  }

  private static ProvenBlock prove(JsonNode block) throws ProofException {
    return ProvenBlock.of(block, Fixtures.hex(block.get("hash").asText()));
  }

  /** The node's block without the fields a proof leaves out. */
  private static JsonNode withoutUnproven(JsonNode block) {
    ObjectNode copy = block.deepCopy();
    UNPROVEN_BLOCK_FIELDS.forEach(copy::remove);
    for (JsonNode tx : copy.get("transactions")) {
      if (tx.isObject()) {
        BLOB_SIDECAR.forEach(((ObjectNode) tx)::remove);
      }
    }
    return copy;
  }

  @ParameterizedTest
  @MethodSource("fullBlocks")
  void everyBlockAnvilAnsweredIsProvenAndAnsweredAsItWasButForWhatIsNotCommitted(JsonNode block)
      throws ProofException {
    ProvenBlock proven = prove(block);
    assertEquals(withoutUnproven(block), proven.answer(true));
  }

  @Test
  void theBlockOfEveryTransactionTypeIsProvenWithItsHashesOnlyAsTheNodeGivesThem()
      throws ProofException {
    ProvenBlock proven = prove(txBlock("0x2", true));
    assertEquals(withoutUnproven(txBlock("0x2", false)), proven.answer(false));
    Set<String> types = new java.util.TreeSet<>();
    txBlock("0x2", true).get("transactions").forEach(t -> types.add(t.get("type").asText()));
    assertEquals(Set.of("0x0", "0x1", "0x2", "0x3", "0x4"), types);
    assertTrue(
        txBlock("0x2", true).get("transactions").get(1).has("blobs"),
        "anvil gives a blob transaction's sidecar, which no block commits to");
  }

  @Test
  void aBlockWithItsTransactionsAsHashesCannotBeProven() {
    ProofException e = assertThrows(ProofException.class, () -> prove(txBlock("0x2", false)));
    assertEquals("transactions are not given in full", e.getMessage());
  }

  @Test
  void aBlockIsProvenOnlyAgainstItsOwnHash() {
    JsonNode block = txBlock("0x2", true);
    byte[] other = Fixtures.hex(txBlock("0x1", true).get("hash").asText());
    ProofException e = assertThrows(ProofException.class, () -> ProvenBlock.of(block, other));
    assertEquals("block does not hash to the trusted hash", e.getMessage());
  }

  /** A change to the big block, and what its proof then says. */
  private static void refused(String why, Consumer<ObjectNode> change) {
    ObjectNode block = txBlock("0x2", true).deepCopy();
    change.accept(block);
    ProofException e =
        assertThrows(
            ProofException.class,
            () -> ProvenBlock.of(block, Fixtures.hex(txBlock("0x2", true).get("hash").asText())));
    assertEquals(why, e.getMessage());
  }

  private static ObjectNode tx(ObjectNode block, int i) {
    return (ObjectNode) block.get("transactions").get(i);
  }

  @Test
  void aTransactionOtherThanTheBlockCommitsToIsRefused() {
    List<Consumer<ObjectNode>> changes =
        List.of(
            b -> tx(b, 0).put("value", "0x8"),
            b -> tx(b, 4).put("input", "0x"),
            b -> ((ArrayNode) tx(b, 4).get("accessList")).removeAll(),
            b -> tx(b, 1).put("maxFeePerBlobGas", "0x2"),
            b -> ((ObjectNode) tx(b, 2).get("authorizationList").get(0)).put("nonce", "0x9"),
            b -> tx(b, 5).put("to", "0x000000000000000000000000000000000000dead"),
            b -> tx(b, 6).put("gasPrice", "0x1"));
    for (Consumer<ObjectNode> change : changes) {
      refused("hash is not the one proven", change);
      refused(
          "transactions do not encode to the transactions root",
          change.andThen(b ->
              b.get("transactions")
                  .forEach(t -> ((ObjectNode) t).remove(List.of("hash", "from")))));
    }
    refused(
        "transactions do not encode to the transactions root",
        b -> ((ArrayNode) b.get("transactions")).remove(7));
    refused("hash is not the one proven", b -> tx(b, 0).put("hash", "0x" + "11".repeat(32)));
  }

  @Test
  void whatATransactionOnlyDerivesIsCheckedAgainstWhatWasProven() {
    String from = tx(txBlock("0x2", true).deepCopy(), 1).get("from").asText();
    refused("from is not the one proven", b -> tx(b, 0).put("from", from));
    refused("transactionIndex is not the one proven", b -> tx(b, 0).put("transactionIndex", "0x1"));
    refused("blockNumber is not the one proven", b -> tx(b, 0).put("blockNumber", "0x3"));
    refused(
        "blockHash is not the one proven", b -> tx(b, 0).put("blockHash", "0x" + "22".repeat(32)));
    refused("gasPrice is not the one proven", b -> tx(b, 0).put("gasPrice", "0x1"));
    refused("chainId is not the one proven", b -> tx(b, 6).put("chainId", "0x1"));
    refused("chainId on a transaction signed without one", b -> tx(b, 5).put("chainId", "0x7a69"));
    refused("v and yParity differ", b -> tx(b, 0).put("v", "0x1"));
    refused("blockTimestamp is not the one proven", b -> tx(b, 0).put("blockTimestamp", "0x1"));
  }

  @Test
  void theRestOfTheBlockIsCheckedToo() {
    refused("size is not the one proven", b -> b.put("size", "0x1"));
    refused(
        "withdrawals do not encode to the withdrawals root",
        b ->
            ((ArrayNode) b.get("withdrawals"))
                .addObject()
                .put("index", "0x0")
                .put("validatorIndex", "0x1")
                .put("address", "0x000000000000000000000000000000000000dead")
                .put("amount", "0x1"));
    refused("withdrawals is not a list", b -> b.remove("withdrawals"));
    refused(
        "a block with uncles cannot be proven",
        b -> ((ArrayNode) b.get("uncles")).add("0x" + "33".repeat(32)));
    refused("block's hash field is not its hash", b -> b.put("hash", "0x" + "44".repeat(32)));
    refused("transaction type 0x7e cannot be proven", b -> tx(b, 0).put("type", "0x7e"));
  }

  @Test
  void whatTheChainDoesNotCommitToIsLeftOut() throws ProofException {
    ObjectNode block = txBlock("0x2", true).deepCopy();
    block.put("l1BlockNumber", "0x1");
    tx(block, 0).put("sourceHash", "0x" + "55".repeat(32));
    JsonNode answer = ProvenBlock.of(block, Fixtures.hex(block.get("hash").asText())).answer(true);
    assertFalse(answer.has("l1BlockNumber"));
    assertFalse(answer.has("totalDifficulty"));
    assertFalse(answer.get("transactions").get(0).has("sourceHash"));
    assertFalse(answer.get("transactions").get(1).has("blobs"));
    assertTrue(answer.get("transactions").get(1).has("blobVersionedHashes"));
  }

  @Test
  void findsATransactionByItsHash() throws ProofException {
    JsonNode block = txBlock("0x2", true);
    ProvenBlock proven = prove(block);
    for (int i = 0; i < block.get("transactions").size(); i++) {
      String hash = block.get("transactions").get(i).get("hash").asText();
      assertEquals(i, proven.indexOf(Fixtures.hex(hash)));
    }
    assertEquals(-1, proven.indexOf(new byte[32]));
  }
}
