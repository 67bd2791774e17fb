package dev.rpcshield.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * A block or its receipts changed in any way are refused with {@link ProofException} or prove what
 * the real ones prove: real answers of anvil (the block holding every transaction type, and its
 * receipts) are edited as JSON trees ({@link JsonEdits}) and proven against the real block hash.
 * What a proof accepts is read again from its own answer, which must hold the very header and
 * transactions (each one's envelope) or prove the very receipts the real answer holds. The input's
 * first byte picks the block or the receipts; then each 5 bytes are one edit.
 */
class ProvenBlockFuzzTest {
  private static final JsonNode BLOCK =
      Fixtures.result(Fixtures.TXS, "eth_getBlockByNumber", "0x2", "true");
  private static final JsonNode RECEIPTS =
      Fixtures.result(Fixtures.TXS, "eth_getBlockReceipts", "0x2", "0x2");
  private static final byte[] HASH = Fixtures.hex(BLOCK.get("hash").asText());
  private static final ProvenBlock PROVEN = prove(BLOCK);

  private static ProvenBlock prove(JsonNode block) {
    try {
      return ProvenBlock.of(block, HASH);
    } catch (ProofException e) {
      throw new IllegalStateException("the fixture does not verify: " + e.getMessage());
    }
  }

  @FuzzTest(maxDuration = "10s", maxExecutions = 100_000)
  void aMutatedBlockOrReceiptListProvesTheSameOrIsRefused(byte[] input) {
    if (input.length == 0) {
      return;
    }
    boolean block = (input[0] & 1) == 0;
    JsonNode answer = (block ? BLOCK : RECEIPTS).deepCopy();
    for (int at = 1; at + JsonEdits.EDIT <= input.length; at += JsonEdits.EDIT) {
      JsonEdits.edit(answer, input, at);
    }
    ProvenBlock provenBlock = null;
    ProvenReceipts provenReceipts = null;
    try {
      if (block) {
        provenBlock = ProvenBlock.of(answer, HASH);
      } else {
        provenReceipts = ProvenReceipts.of(PROVEN, answer);
      }
    } catch (ProofException e) {
      assertNotNull(e.getMessage());
      return;
    }
    try {
      if (block) {
        JsonNode given = provenBlock.answer(true);
        assertArrayEquals(HASH, BlockHeader.of(given).hash());
        JsonNode txs = given.get("transactions");
        assertEquals(PROVEN.transactions().size(), txs.size());
        for (int i = 0; i < txs.size(); i++) {
          assertArrayEquals(
              PROVEN.transactions().get(i).envelope, SignedTransaction.of(txs.get(i)).envelope);
        }
      } else {
        ArrayNode given = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < RECEIPTS.size(); i++) {
          given.add(provenReceipts.receipt(i));
        }
        ProvenReceipts.of(PROVEN, given);
      }
    } catch (ProofException e) {
      throw new AssertionError("what was accepted does not prove again: " + e.getMessage());
    }
  }
}
