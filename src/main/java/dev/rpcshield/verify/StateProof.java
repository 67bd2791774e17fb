package dev.rpcshield.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Hash;

/**
 * Verifies an eth_getProof answer (the EIP-1186 result: address, accountProof, balance, codeHash,
 * nonce, storageHash, storageProof of key, value and proof) against a state root.
 *
 * <p>The account is the leaf under keccak256(address) in the state trie, the RLP list of nonce,
 * balance, storage root and code hash; a slot's value is the leaf under keccak256(slot as 32 bytes)
 * in the account's storage trie, the RLP of the value's minimal big-endian bytes. A proof of
 * absence proves an empty account, or a zero value. What is returned is what the proof proves,
 * never the answer's own fields; an answer whose fields contradict its proof is refused as well, as
 * the sign of a lying upstream. One leniency: for an absent account, a storageHash or codeHash of
 * all zeros is taken for the empty one, as some nodes write it.
 *
 * <p>The storage proofs must answer the slots asked, one each and in the order asked, as nodes send
 * them; a slot is compared as a number, so {@code 0x5} asked matches a key of 32 bytes.
 */
public final class StateProof {
  private static final byte[] EMPTY_CODE_HASH = Hash.sha3(new byte[0]);
  private static final int ADDRESS_BYTES = 20;
  private static final int WORD = 32;
  private static final int NONCE_BYTES = 8;

  private StateProof() {}

  /**
   * The account, and the storage slots asked, that {@code proof} proves under {@code stateRoot}.
   *
   * @param stateRoot the root of the state trie, from a trusted header
   * @param address the {@code 0x} address asked, which the answer's address must equal (case aside)
   * @param slots the storage slots asked, as the client gave them ({@code 0x} hex, possibly shorter
   *     than 32 bytes); each must have its proof in the answer
   * @param proof the eth_getProof result
   * @throws ProofException when anything does not verify, or the answer is malformed
   */
  public static ProvenAccount verify(
      byte[] stateRoot, String address, List<String> slots, JsonNode proof) throws ProofException {
    if (proof == null || !proof.isObject()) {
      throw new ProofException("proof is not an object");
    }
    byte[] asked = HexFields.bytes(address, "address asked");
    if (asked.length != ADDRESS_BYTES) {
      throw new ProofException("address asked is not 20 bytes");
    }
    if (!Arrays.equals(asked, HexFields.bytes(proof, "address", ADDRESS_BYTES))) {
      throw new ProofException("proof is for another address");
    }
    byte[] leaf =
        MerkleProof.value(stateRoot, Hash.sha3(asked), HexFields.nodes(proof, "accountProof"));
    Account account = leaf == null ? Account.ABSENT : Account.of(leaf);
    account.check(proof, leaf == null);

    JsonNode storageProof = proof.get("storageProof");
    if (storageProof == null || !storageProof.isArray() || storageProof.size() != slots.size()) {
      throw new ProofException("storageProof does not answer the slots asked");
    }
    Map<String, BigInteger> storage = new LinkedHashMap<>();
    for (int i = 0; i < slots.size(); i++) {
      byte[] slot = word(HexFields.quantity(slots.get(i), "slot asked"));
      storage.put(
          "0x" + HexFormat.of().formatHex(slot),
          slotValue(account.storageRoot(), slot, storageProof.get(i)));
    }
    return new ProvenAccount(
        account.nonce(),
        account.balance(),
        account.storageRoot().clone(),
        account.codeHash().clone(),
        Collections.unmodifiableMap(storage));
  }

  /** The value {@code entry} proves for {@code slot}, which its key and value must agree with. */
  private static BigInteger slotValue(byte[] storageRoot, byte[] slot, JsonNode entry)
      throws ProofException {
    if (!entry.isObject()) {
      throw new ProofException("storage proof is not an object");
    }
    byte[] key = word(HexFields.quantity(HexFields.text(entry, "key"), "storage key"));
    if (!Arrays.equals(slot, key)) {
      throw new ProofException("storage proof is for another slot");
    }
    byte[] leaf = MerkleProof.value(storageRoot, Hash.sha3(slot), HexFields.nodes(entry, "proof"));
    BigInteger value = leaf == null ? BigInteger.ZERO : integer(Rlp.item(leaf), WORD, "slot value");
    if (!value.equals(HexFields.quantity(HexFields.text(entry, "value"), "storage value"))) {
      throw new ProofException("storage value contradicts its proof");
    }
    return value;
  }

  /** {@code n}, below 2^256, as 32 big-endian bytes. */
  private static byte[] word(BigInteger n) {
    byte[] bytes = n.toByteArray();
    byte[] word = new byte[WORD];
    int length = Math.min(bytes.length, WORD);
    System.arraycopy(bytes, bytes.length - length, word, WORD - length, length);
    return word;
  }

  /** A canonical RLP integer of at most {@code maxBytes} bytes. */
  private static BigInteger integer(Rlp.Item item, int maxBytes, String what)
      throws ProofException {
    byte[] bytes = item.content();
    if (item.list() || bytes.length > maxBytes || (bytes.length > 0 && bytes[0] == 0)) {
      throw new ProofException(what + " is not an integer of " + maxBytes + " bytes");
    }
    return new BigInteger(1, bytes);
  }

  /**
   * The four fields of an account leaf.
   *
   * @param nonce the account's nonce
   * @param balance its balance
   * @param storageRoot the root of its storage trie
   * @param codeHash the hash of its code
   */
  private record Account(
      BigInteger nonce, BigInteger balance, byte[] storageRoot, byte[] codeHash) {
    static final Account ABSENT =
        new Account(BigInteger.ZERO, BigInteger.ZERO, MerkleProof.EMPTY_ROOT, EMPTY_CODE_HASH);

    /** The account an account leaf's value, {@code [nonce, balance, storageRoot, codeHash]}, is. */
    static Account of(byte[] leaf) throws ProofException {
      List<Rlp.Item> items = Rlp.items(Rlp.item(leaf));
      if (items.size() != 4) {
        throw new ProofException("account leaf is not 4 items");
      }
      return new Account(
          integer(items.get(0), NONCE_BYTES, "account nonce"),
          integer(items.get(1), WORD, "account balance"),
          hash(items.get(2), "account storage root"),
          hash(items.get(3), "account code hash"));
    }

    private static byte[] hash(Rlp.Item item, String what) throws ProofException {
      if (item.list() || item.content().length != WORD) {
        throw new ProofException(what + " is not 32 bytes");
      }
      return item.content();
    }

    /** Refuses an answer whose own fields say other than this proven account. */
    void check(JsonNode answer, boolean absent) throws ProofException {
      if (!nonce.equals(HexFields.quantity(HexFields.text(answer, "nonce"), "nonce"))) {
        throw new ProofException("nonce contradicts its proof");
      }
      if (!balance.equals(HexFields.quantity(HexFields.text(answer, "balance"), "balance"))) {
        throw new ProofException("balance contradicts its proof");
      }
      if (!sameHash(storageRoot, HexFields.bytes(answer, "storageHash", WORD), absent)) {
        throw new ProofException("storageHash contradicts its proof");
      }
      if (!sameHash(codeHash, HexFields.bytes(answer, "codeHash", WORD), absent)) {
        throw new ProofException("codeHash contradicts its proof");
      }
    }

    private static boolean sameHash(byte[] proven, byte[] answered, boolean absent) {
      return Arrays.equals(proven, answered) || (absent && Arrays.equals(answered, new byte[WORD]));
    }
  }
}
