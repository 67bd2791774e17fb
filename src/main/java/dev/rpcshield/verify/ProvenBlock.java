package dev.rpcshield.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.web3j.crypto.Hash;

/**
 * A block proven against a hash trusted for it: its header hashes to that hash, its transactions
 * (asked in full) encode to the header's transactions root, its withdrawals to its withdrawals
 * root, it has no uncles (the header's uncles hash is that of none), and its size is the length of
 * its RLP. Each transaction's hash, sender, block, index and paid gas price are checked as well.
 *
 * <p>The answer kept has only fields so proven, in the node's own order and format: a field the
 * chain does not commit to ({@code totalDifficulty}, a client's own extras) is left out. A block
 * with uncles (before the merge) cannot be proven: their headers are not in the answer.
 *
 * <p>Two of anvil's ways are taken as well: a blob transaction whose answer carries its sidecar may
 * be in the transactions trie in its network form (sidecar included), and the size may leave the
 * withdrawals out.
 */
public final class ProvenBlock {
  private static final byte[] NO_UNCLES = Hash.sha3(new byte[] {(byte) 0xc0});
  private static final BigInteger GAS_PER_BLOB = BigInteger.valueOf(131_072);

  private static final Set<String> BLOCK_FIELDS = new HashSet<>(BlockHeader.fieldNames());

  static {
    BLOCK_FIELDS.addAll(List.of("hash", "size", "uncles", "transactions", "withdrawals"));
  }

  private static final Set<String> WITHDRAWAL_FIELDS =
      Set.of("index", "validatorIndex", "address", "amount");

  /** What a node writes of a transaction in a block beside the fields its encoding holds. */
  private static final Set<String> DERIVED_TX_FIELDS =
      Set.of(
          "hash",
          "from",
          "blockHash",
          "blockNumber",
          "transactionIndex",
          "blockTimestamp",
          "gasPrice");

  /** The fields of the entries of a transaction's lists that its encoding holds. */
  private static final Map<String, Set<String>> ENTRY_FIELDS =
      Map.of(
          "accessList",
          Set.of("address", "storageKeys"),
          "authorizationList",
          Set.of("chainId", "address", "nonce", "yParity", "r", "s"));

  private final BlockHeader header;
  private final ObjectNode answer;
  private final List<SignedTransaction> transactions;

  private ProvenBlock(BlockHeader header, ObjectNode answer, List<SignedTransaction> transactions) {
    this.header = header;
    this.answer = answer;
    this.transactions = transactions;
  }

  /**
   * Proves {@code block}, a node's block JSON with full transactions, against {@code hash}.
   *
   * @throws ProofException when anything does not verify, the answer is malformed, or the block's
   *     transactions are hashes only
   */
  public static ProvenBlock of(JsonNode block, byte[] hash) throws ProofException {
    BlockHeader header = BlockHeader.of(block);
    if (!Arrays.equals(header.hash(), hash)) {
      throw new ProofException("block does not hash to the trusted hash");
    }
    if (!header.hashMatches()) {
      throw new ProofException("block's hash field is not its hash");
    }
    BigInteger baseFee = quantity(header.field("baseFeePerGas"));
    JsonNode txs = block.get("transactions");
    if (txs == null || !txs.isArray()) {
      throw new ProofException("transactions is not a list");
    }
    List<SignedTransaction> transactions = new ArrayList<>(txs.size());
    List<ObjectNode> answers = new ArrayList<>(txs.size());
    for (int i = 0; i < txs.size(); i++) {
      JsonNode tx = txs.get(i);
      if (!tx.isObject()) {
        throw new ProofException("transactions are not given in full");
      }
      SignedTransaction t = SignedTransaction.of(tx);
      checkTransaction(tx, t, header, i, baseFee);
      Set<String> fields = SignedTransaction.fieldNames(t.type);
      fields.addAll(DERIVED_TX_FIELDS);
      transactions.add(t);
      answers.add(entriesOnly(AnswerFields.only(tx, fields)));
    }
    boolean network = network(transactions, header.transactionsRoot());
    List<byte[]> body = new ArrayList<>(transactions.size());
    transactions.forEach(t -> body.add(t.bodyItem(network)));
    JsonNode uncles = block.get("uncles");
    if (uncles == null || !uncles.isArray()) {
      throw new ProofException("uncles is not a list");
    }
    if (!uncles.isEmpty() || !Arrays.equals(header.field("sha3Uncles"), NO_UNCLES)) {
      throw new CannotProve("a block with uncles cannot be proven");
    }
    List<byte[]> parts =
        new ArrayList<>(List.of(header.encoding(), Rlp.list(body), Rlp.list(List.of())));
    ObjectNode answer = AnswerFields.only(block, BLOCK_FIELDS);
    byte[] withdrawalsRoot = header.field("withdrawalsRoot");
    if (withdrawalsRoot != null) {
      ArrayNode kept = JsonNodeFactory.instance.arrayNode();
      parts.add(withdrawals(block.get("withdrawals"), withdrawalsRoot, kept));
      answer.set("withdrawals", kept);
    } else if (block.hasNonNull("withdrawals")) {
      throw new ProofException("withdrawals in a block without a withdrawals root");
    }
    long size = Rlp.list(parts).length;
    if (withdrawalsRoot != null && !sizeIs(block, size)) {
      // anvil counts a block's size without its withdrawals.
      parts.remove(parts.size() - 1);
      size = Rlp.list(parts).length;
    }
    AnswerFields.quantity(block, "size", size);
    ArrayNode kept = JsonNodeFactory.instance.arrayNode();
    answers.forEach(kept::add);
    answer.set("transactions", kept);
    return new ProvenBlock(header, answer, List.copyOf(transactions));
  }

  /** A transaction's access list and authorizations with only the fields their encoding holds. */
  private static ObjectNode entriesOnly(ObjectNode tx) {
    for (Map.Entry<String, Set<String>> list : ENTRY_FIELDS.entrySet()) {
      JsonNode entries = tx.get(list.getKey());
      if (entries != null && entries.isArray()) {
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        entries.forEach(e -> kept.add(AnswerFields.only(e, list.getValue())));
        tx.set(list.getKey(), kept);
      }
    }
    return tx;
  }

  private static boolean sizeIs(JsonNode block, long size) {
    try {
      AnswerFields.quantity(block, "size", size);
      return true;
    } catch (ProofException e) {
      return false;
    }
  }

  /**
   * Whether the transactions encode to {@code root} with blob transactions in their network form
   * (as anvil builds its trie) rather than as signed, which is tried first.
   *
   * @throws ProofException when they encode to it in neither form
   */
  private static boolean network(List<SignedTransaction> transactions, byte[] root)
      throws ProofException {
    List<byte[]> signed = new ArrayList<>(transactions.size());
    List<byte[]> network = new ArrayList<>(transactions.size());
    boolean sidecars = false;
    for (SignedTransaction t : transactions) {
      signed.add(t.envelope);
      network.add(t.networkEnvelope != null ? t.networkEnvelope : t.envelope);
      sidecars |= t.networkEnvelope != null;
    }
    if (Arrays.equals(OrderedTrie.root(signed), root)) {
      return false;
    }
    if (sidecars && Arrays.equals(OrderedTrie.root(network), root)) {
      return true;
    }
    throw new ProofException("transactions do not encode to the transactions root");
  }

  private static void checkTransaction(
      JsonNode tx, SignedTransaction t, BlockHeader header, int index, BigInteger baseFee)
      throws ProofException {
    AnswerFields.bytes(tx, "hash", t.hash);
    AnswerFields.bytes(tx, "from", t.sender);
    AnswerFields.bytes(tx, "blockHash", header.hash());
    AnswerFields.quantity(tx, "blockNumber", header.number());
    AnswerFields.quantity(tx, "transactionIndex", index);
    AnswerFields.quantity(tx, "blockTimestamp", quantity(header.field("timestamp")));
    if (t.type >= 2) {
      AnswerFields.quantity(tx, "gasPrice", t.effectiveGasPrice(baseFee));
    }
    if (t.type == 0) {
      if (t.legacyChainId != null) {
        AnswerFields.quantity(tx, "chainId", t.legacyChainId);
      } else if (tx.hasNonNull("chainId")) {
        throw new ProofException("chainId on a transaction signed without one");
      }
    }
  }

  private static byte[] withdrawals(JsonNode list, byte[] root, ArrayNode kept)
      throws ProofException {
    if (list == null || !list.isArray()) {
      throw new ProofException("withdrawals is not a list");
    }
    List<byte[]> encoded = new ArrayList<>(list.size());
    for (JsonNode w : list) {
      if (!w.isObject()) {
        throw new ProofException("withdrawals holds an entry that is not an object");
      }
      encoded.add(
          Rlp.list(
              List.of(
                  Rlp.string(Rlp.quantity(HexFields.quantity(HexFields.text(w, "index"), "index"))),
                  Rlp.string(
                      Rlp.quantity(
                          HexFields.quantity(
                              HexFields.text(w, "validatorIndex"), "validatorIndex"))),
                  Rlp.string(HexFields.bytes(w, "address", 20)),
                  Rlp.string(
                      Rlp.quantity(HexFields.quantity(HexFields.text(w, "amount"), "amount"))))));
      kept.add(AnswerFields.only(w, WITHDRAWAL_FIELDS));
    }
    if (!Arrays.equals(OrderedTrie.root(encoded), root)) {
      throw new ProofException("withdrawals do not encode to the withdrawals root");
    }
    return Rlp.list(encoded);
  }

  private static BigInteger quantity(byte[] field) {
    return field == null ? null : new BigInteger(1, field);
  }

  /** The proven header. */
  public BlockHeader header() {
    return header;
  }

  /**
   * The block as a node answers it, with only proven fields: its transactions in full, or as their
   * hashes.
   */
  public JsonNode answer(boolean fullTransactions) {
    ObjectNode out = answer.deepCopy();
    if (!fullTransactions) {
      ArrayNode hashes = JsonNodeFactory.instance.arrayNode();
      for (SignedTransaction t : transactions) {
        hashes.add(TextNode.valueOf("0x" + HexFormat.of().formatHex(t.hash)));
      }
      out.set("transactions", hashes);
    }
    return out;
  }

  /** The index of the transaction of hash {@code hash} in the block, or -1. */
  public int indexOf(byte[] hash) {
    for (int i = 0; i < transactions.size(); i++) {
      if (Arrays.equals(transactions.get(i).hash, hash)) {
        return i;
      }
    }
    return -1;
  }

  List<SignedTransaction> transactions() {
    return transactions;
  }

  BigInteger baseFee() {
    return quantity(header.field("baseFeePerGas"));
  }

  BigInteger timestamp() {
    return quantity(header.field("timestamp"));
  }

  static BigInteger blobGas(SignedTransaction t) {
    return GAS_PER_BLOB.multiply(BigInteger.valueOf(t.blobs));
  }
}
