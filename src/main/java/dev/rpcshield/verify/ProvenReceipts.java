package dev.rpcshield.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The receipts of a proven block (an eth_getBlockReceipts answer) proven against its receipts root:
 * each receipt encoded as the chain holds it (its type byte, then the RLP of status or post-state
 * root, cumulative gas used, logs bloom and logs) and the list's trie root compared. What a receipt
 * only derives (its transaction's hash, sender, recipient and created contract, its block and
 * index, the gas it used, the price paid, its blob gas, each log's index and location) is checked
 * against the proven block and transactions.
 *
 * <p>A receipt answered keeps only fields so proven, in the node's order and format: the blob gas
 * price, which depends on the fork's blob schedule, is left out, as is anything a client adds.
 */
public final class ProvenReceipts {
  private static final Set<String> RECEIPT_FIELDS =
      Set.of(
          "type",
          "status",
          "root",
          "cumulativeGasUsed",
          "logsBloom",
          "logs",
          "transactionHash",
          "transactionIndex",
          "blockHash",
          "blockNumber",
          "blockTimestamp",
          "gasUsed",
          "effectiveGasPrice",
          "from",
          "to",
          "contractAddress",
          "blobGasUsed");

  private static final Set<String> LOG_FIELDS =
      Set.of(
          "address",
          "topics",
          "data",
          "blockHash",
          "blockNumber",
          "blockTimestamp",
          "transactionHash",
          "transactionIndex",
          "logIndex",
          "removed");

  private final List<ObjectNode> receipts;

  private ProvenReceipts(List<ObjectNode> receipts) {
    this.receipts = receipts;
  }

  /**
   * Proves {@code receipts}, the receipts of {@code block}, in order.
   *
   * @throws ProofException when they do not encode to the block's receipts root, a derived field is
   *     not the one proven, or the answer is malformed
   */
  public static ProvenReceipts of(ProvenBlock block, JsonNode receipts) throws ProofException {
    if (receipts == null || !receipts.isArray()) {
      throw new ProofException("receipts is not a list");
    }
    List<SignedTransaction> txs = block.transactions();
    if (receipts.size() != txs.size()) {
      throw new ProofException("receipts are not one per transaction");
    }
    BlockHeader header = block.header();
    List<byte[]> encoded = new ArrayList<>(txs.size());
    List<ObjectNode> kept = new ArrayList<>(txs.size());
    BigInteger cumulative = BigInteger.ZERO;
    long logIndex = 0;
    for (int i = 0; i < txs.size(); i++) {
      JsonNode r = receipts.get(i);
      SignedTransaction t = txs.get(i);
      if (!r.isObject()) {
        throw new ProofException("receipt is not an object");
      }
      BigInteger receiptType =
          r.has("type") ? HexFields.quantity(HexFields.text(r, "type"), "type") : BigInteger.ZERO;
      if (!receiptType.equals(BigInteger.valueOf(t.type))) {
        throw new ProofException("receipt's type is not its transaction's");
      }
      BigInteger used = quantity(r, "cumulativeGasUsed");
      List<byte[]> fields = new ArrayList<>(4);
      if (r.hasNonNull("status")) {
        fields.add(Rlp.string(Rlp.quantity(quantity(r, "status"))));
      } else {
        fields.add(Rlp.string(HexFields.bytes(r, "root", 32)));
      }
      fields.add(Rlp.string(Rlp.quantity(used)));
      fields.add(Rlp.string(HexFields.bytes(r, "logsBloom", 256)));
      JsonNode logs = r.get("logs");
      if (logs == null || !logs.isArray()) {
        throw new ProofException("logs is not a list");
      }
      List<byte[]> logItems = new ArrayList<>(logs.size());
      ArrayNode keptLogs = JsonNodeFactory.instance.arrayNode();
      for (JsonNode log : logs) {
        logItems.add(log(log));
        checkLocation(log, block, t, i);
        AnswerFields.quantity(log, "logIndex", logIndex++);
        if (log.has("removed")
            && !(log.get("removed").isBoolean() && !log.get("removed").asBoolean())) {
          throw new ProofException("a log of a proven block is not removed");
        }
        keptLogs.add(AnswerFields.only(log, LOG_FIELDS));
      }
      fields.add(Rlp.list(logItems));
      byte[] rlp = Rlp.list(fields);
      if (t.type == 0) {
        encoded.add(rlp);
      } else {
        byte[] typed = new byte[rlp.length + 1];
        typed[0] = (byte) t.type;
        System.arraycopy(rlp, 0, typed, 1, rlp.length);
        encoded.add(typed);
      }
      checkLocation(r, block, t, i);
      AnswerFields.bytes(r, "from", t.sender);
      AnswerFields.bytes(r, "to", t.to);
      AnswerFields.bytes(r, "contractAddress", t.to == null ? t.createdAddress() : null);
      AnswerFields.quantity(r, "gasUsed", used.subtract(cumulative));
      AnswerFields.quantity(r, "effectiveGasPrice", t.effectiveGasPrice(block.baseFee()));
      if (t.type == 3) {
        AnswerFields.quantity(r, "blobGasUsed", ProvenBlock.blobGas(t));
      } else if (r.hasNonNull("blobGasUsed")) {
        throw new ProofException("blobGasUsed on a receipt of no blob transaction");
      }
      cumulative = used;
      ObjectNode receipt = AnswerFields.only(r, RECEIPT_FIELDS);
      receipt.remove(r.hasNonNull("status") ? "root" : "status");
      receipt.set("logs", keptLogs);
      kept.add(receipt);
    }
    if (!Arrays.equals(OrderedTrie.root(encoded), header.receiptsRoot())) {
      throw new ProofException("receipts do not encode to the receipts root");
    }
    return new ProvenReceipts(List.copyOf(kept));
  }

  /** Where a receipt or log says it is: its transaction and block. */
  private static void checkLocation(JsonNode o, ProvenBlock block, SignedTransaction t, int index)
      throws ProofException {
    AnswerFields.bytes(o, "transactionHash", t.hash);
    AnswerFields.quantity(o, "transactionIndex", index);
    AnswerFields.bytes(o, "blockHash", block.header().hash());
    AnswerFields.quantity(o, "blockNumber", block.header().number());
    AnswerFields.quantity(o, "blockTimestamp", block.timestamp());
  }

  private static byte[] log(JsonNode log) throws ProofException {
    if (!log.isObject()) {
      throw new ProofException("log is not an object");
    }
    JsonNode topics = log.get("topics");
    if (topics == null || !topics.isArray()) {
      throw new ProofException("topics is not a list");
    }
    List<byte[]> items = new ArrayList<>(topics.size());
    for (JsonNode topic : topics) {
      if (!topic.isTextual()) {
        throw new ProofException("topics holds a topic that is not a string");
      }
      byte[] t = HexFields.bytes(topic.asText(), "topics");
      if (t.length != 32) {
        throw new ProofException("topics holds a topic that is not 32 bytes");
      }
      items.add(Rlp.string(t));
    }
    return Rlp.list(
        List.of(
            Rlp.string(HexFields.bytes(log, "address", 20)),
            Rlp.list(items),
            Rlp.string(HexFields.bytes(HexFields.text(log, "data"), "data"))));
  }

  private static BigInteger quantity(JsonNode o, String field) throws ProofException {
    return HexFields.quantity(HexFields.text(o, field), field);
  }

  /** The proven receipt at {@code index}, as a node answers it. */
  public JsonNode receipt(int index) {
    return receipts.get(index).deepCopy();
  }
}
