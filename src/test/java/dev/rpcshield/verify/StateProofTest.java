package dev.rpcshield.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.web3j.crypto.Hash;

/**
 * Real eth_getProof answers of anvil, verified against the state roots of real headers whose hashes
 * are recomputed first.
 */
class StateProofTest {
  private static final byte[] EMPTY_CODE_HASH = Hash.sha3(new byte[0]);
  private static final String LATEST = Fixtures.latest();
  private static final String CONTRACT = Fixtures.about("contract");
  private static final String NEIGHBOUR = Fixtures.about("neighbour");
  private static final List<String> CONTRACT_SLOTS =
      List.of("0x0", "0x05", "0x6", "0x" + Long.toHexString(Fixtures.near()));

  /** A block's state root, from a header whose hash is recomputed. */
  private static byte[] root(String block) throws ProofException {
    BlockHeader header = BlockHeader.of(Fixtures.block(block));
    assertTrue(header.hashMatches());
    return header.stateRoot();
  }

  private static ProvenAccount verify(String address, List<String> slots, String block)
      throws ProofException {
    return StateProof.verify(
        root(block), address, slots, Fixtures.proof(address, block).deepCopy());
  }

  private static String slot(long n) {
    return String.format("0x%064x", n);
  }

  @Test
  void aFundedAccountIsProven() throws ProofException {
    ProvenAccount a = verify(Fixtures.FUNDED, List.of(), LATEST);
    assertEquals(BigInteger.ZERO, a.nonce());
    assertEquals(new BigInteger("1500000000000000044"), a.balance());
    assertArrayEquals(MerkleProof.EMPTY_ROOT, a.storageRoot());
    assertArrayEquals(EMPTY_CODE_HASH, a.codeHash());
    assertEquals(Map.of(), a.storage());
  }

  @Test
  void theSameAccountIsProvenAtAnEarlierBlockWithItsBalanceThen() throws ProofException {
    assertEquals(
        new BigInteger("1500000000000000000"), verify(Fixtures.FUNDED, List.of(), "0x1").balance());
  }

  @Test
  void theSenderIsProvenWithItsNonce() throws ProofException {
    ProvenAccount a = verify(Fixtures.SENDER, List.of(), LATEST);
    assertEquals(BigInteger.TWO, a.nonce());
    assertEquals(
        new BigInteger(
            Fixtures.proof(Fixtures.SENDER, LATEST).get("balance").asText().substring(2), 16),
        a.balance());
    assertTrue(a.balance().compareTo(new BigInteger("10000000000000000000000")) < 0);
  }

  @Test
  void anAccountBesideAnotherOnAnExtensionIsProven() throws ProofException {
    assertTrue(hasExtension(Fixtures.proof(NEIGHBOUR, LATEST).get("accountProof")));
    assertEquals(BigInteger.valueOf(0x2b), verify(NEIGHBOUR, List.of(), LATEST).balance());
  }

  @Test
  void theContractsCodeAndStorageAreProven() throws ProofException {
    ProvenAccount a = verify(CONTRACT, CONTRACT_SLOTS, LATEST);
    assertEquals(BigInteger.ONE, a.nonce());
    assertEquals(BigInteger.ZERO, a.balance());
    assertArrayEquals(Hash.sha3(Fixtures.hex(Fixtures.RUNTIME)), a.codeHash());
    Map<String, BigInteger> storage = new LinkedHashMap<>();
    storage.put(slot(0), BigInteger.valueOf(0x1234));
    storage.put(slot(5), new BigInteger("f00dfeed".repeat(8), 16));
    storage.put(slot(6), BigInteger.ZERO);
    storage.put(slot(Fixtures.near()), BigInteger.valueOf(7));
    assertEquals(storage, a.storage());
    assertEquals(new ArrayList<>(storage.keySet()), new ArrayList<>(a.storage().keySet()));
    JsonNode near = Fixtures.proof(CONTRACT, LATEST).get("storageProof").get(3).get("proof");
    assertTrue(hasExtension(near), "slot 0 and the slot near it share an extension");
  }

  @Test
  void anAbsentAccountIsProvenEmptyWithZeroStorage() throws ProofException {
    ProvenAccount a = verify(Fixtures.ABSENT, List.of("0x0"), LATEST);
    assertEquals(BigInteger.ZERO, a.nonce());
    assertEquals(BigInteger.ZERO, a.balance());
    assertArrayEquals(MerkleProof.EMPTY_ROOT, a.storageRoot());
    assertArrayEquals(EMPTY_CODE_HASH, a.codeHash());
    assertEquals(Map.of(slot(0), BigInteger.ZERO), a.storage());
  }

  @Test
  void theContractBeforeItWasDeployedIsProvenAbsent() throws ProofException {
    ProvenAccount a = verify(CONTRACT, List.of("0x5"), "0x1");
    assertEquals(BigInteger.ZERO, a.nonce());
    assertArrayEquals(EMPTY_CODE_HASH, a.codeHash());
    assertEquals(Map.of(slot(5), BigInteger.ZERO), a.storage());
  }

  @Test
  void anAbsentAccountWhoseHashesAreWrittenAsZerosIsAccepted() throws ProofException {
    ObjectNode proof = Fixtures.proof(Fixtures.ABSENT, LATEST).deepCopy();
    proof.put("codeHash", slot(0));
    proof.put("storageHash", slot(0));
    ProvenAccount a = StateProof.verify(root(LATEST), Fixtures.ABSENT, List.of("0x0"), proof);
    assertArrayEquals(EMPTY_CODE_HASH, a.codeHash());
  }

  @Test
  void aProofAgainstAnotherBlocksStateRootIsRefused() {
    for (String address : List.of(Fixtures.FUNDED, Fixtures.SENDER, CONTRACT, NEIGHBOUR)) {
      JsonNode proof = Fixtures.proof(address, LATEST);
      assertThrows(
          ProofException.class,
          () -> StateProof.verify(root("0x1"), address, List.of(), proof),
          address);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "balance, 0x14d1120d7b16002d",
    "balance, 0x0",
    "nonce, 0x1",
    "codeHash, 0xb652beaf2d74754067c0898af4667d2f629e241971dc0cdaab1069a9ac7da709",
    "storageHash, 0x0000000000000000000000000000000000000000000000000000000000000000",
    "storageHash, 0xda40a172e07e8d81716aa6bb37fd5be08e71764fac0357c7eba5fae70e1d23c0",
    "address, 0x0000000000000000000000000000000000000231",
  })
  void anAnswerWhoseFieldsContradictItsIntactProofIsRefused(String field, String value)
      throws ProofException {
    ObjectNode proof = Fixtures.proof(Fixtures.FUNDED, LATEST).deepCopy();
    StateProof.verify(root(LATEST), Fixtures.FUNDED, List.of(), proof);
    proof.put(field, value);
    assertThrows(
        ProofException.class,
        () -> StateProof.verify(root(LATEST), Fixtures.FUNDED, List.of(), proof));
  }

  @Test
  void aStorageValueContradictingItsProofIsRefused() {
    ObjectNode proof = Fixtures.proof(CONTRACT, LATEST).deepCopy();
    ((ObjectNode) proof.get("storageProof").get(2)).put("value", "0x1");
    ProofException e =
        assertThrows(
            ProofException.class,
            () -> StateProof.verify(root(LATEST), CONTRACT, CONTRACT_SLOTS, proof));
    assertEquals("storage value contradicts its proof", e.getMessage());
  }

  @Test
  void aStorageProofOfAnotherSlotIsRefused() {
    ObjectNode byKey = Fixtures.proof(CONTRACT, LATEST).deepCopy();
    ArrayNode entries = (ArrayNode) byKey.get("storageProof");
    entries.set(0, entries.get(1).deepCopy());
    assertThrows(
        ProofException.class,
        () -> StateProof.verify(root(LATEST), CONTRACT, CONTRACT_SLOTS, byKey));

    for (int other : new int[] {1, 2, 3}) {
      ObjectNode byProof = Fixtures.proof(CONTRACT, LATEST).deepCopy();
      ArrayNode proofs = (ArrayNode) byProof.get("storageProof");
      ObjectNode first = (ObjectNode) proofs.get(0);
      first.set("proof", proofs.get(other).get("proof").deepCopy());
      first.set("value", proofs.get(other).get("value").deepCopy());
      assertThrows(
          ProofException.class,
          () -> StateProof.verify(root(LATEST), CONTRACT, CONTRACT_SLOTS, byProof),
          "slot 0 with the proof of slot " + other);
    }
  }

  @Test
  void theSlotsAskedMustEachBeAnsweredInOrder() {
    JsonNode proof = Fixtures.proof(CONTRACT, LATEST);
    assertThrows(
        ProofException.class,
        () -> StateProof.verify(root(LATEST), CONTRACT, CONTRACT_SLOTS.subList(0, 3), proof));
    assertThrows(
        ProofException.class,
        () ->
            StateProof.verify(
                root(LATEST),
                CONTRACT,
                List.of("0x5", "0x0", "0x6", CONTRACT_SLOTS.get(3)),
                proof));
    assertThrows(
        ProofException.class, () -> StateProof.verify(root(LATEST), CONTRACT, List.of(), proof));
  }

  @Test
  void aProofForAnotherAddressIsRefused() {
    JsonNode proof = Fixtures.proof(Fixtures.FUNDED, LATEST);
    assertThrows(
        ProofException.class, () -> StateProof.verify(root(LATEST), NEIGHBOUR, List.of(), proof));
  }

  @Test
  void theAddressIsComparedWithoutCase() throws ProofException {
    String upper = "0x" + Fixtures.FUNDED.substring(2).toUpperCase();
    assertEquals(
        new BigInteger("1500000000000000044"),
        StateProof.verify(root(LATEST), upper, List.of(), Fixtures.proof(Fixtures.FUNDED, LATEST))
            .balance());
  }

  /**
   * Every byte of every proof node of every answer, flipped in turn: always refused, since each
   * node of a real proof lies on the path asked.
   */
  @Test
  void anyFlippedByteOfAnyProofNodeIsRefused() throws ProofException {
    record Asked(String address, List<String> slots, String block) {}
    List<Asked> all =
        List.of(
            new Asked(Fixtures.FUNDED, List.of(), LATEST),
            new Asked(Fixtures.SENDER, List.of(), LATEST),
            new Asked(Fixtures.ABSENT, List.of("0x0"), LATEST),
            new Asked(CONTRACT, CONTRACT_SLOTS, LATEST),
            new Asked(NEIGHBOUR, List.of(), LATEST),
            new Asked(CONTRACT, List.of("0x5"), "0x1"),
            new Asked(Fixtures.FUNDED, List.of(), "0x1"));
    int flips = 0;
    for (Asked asked : all) {
      byte[] root = root(asked.block());
      JsonNode answer = Fixtures.proof(asked.address(), asked.block()).deepCopy();
      StateProof.verify(root, asked.address(), asked.slots(), answer);
      for (ArrayNode nodes : proofArrays(answer)) {
        for (int n = 0; n < nodes.size(); n++) {
          String original = nodes.get(n).asText();
          byte[] node = Fixtures.hex(original);
          for (int i = 0; i < node.length; i++) {
            node[i] ^= 0x01;
            nodes.set(n, "0x" + HexFormat.of().formatHex(node));
            node[i] ^= 0x01;
            flips++;
            assertThrows(
                ProofException.class,
                () -> StateProof.verify(root, asked.address(), asked.slots(), answer),
                asked + " node " + n);
          }
          nodes.set(n, original);
        }
      }
    }
    assertTrue(flips > 3000, flips + " flips");
  }

  /** The answer's account proof and each storage proof, as the arrays inside {@code answer}. */
  private static List<ArrayNode> proofArrays(JsonNode answer) {
    List<ArrayNode> out = new ArrayList<>();
    out.add((ArrayNode) answer.get("accountProof"));
    answer.get("storageProof").forEach(e -> out.add((ArrayNode) e.get("proof")));
    return out;
  }

  @Test
  void malformedAnswersAreRefused() {
    JsonNode real = Fixtures.proof(CONTRACT, LATEST);
    List<Consumer<ObjectNode>> breakers =
        List.of(
            p -> p.remove("accountProof"),
            p -> p.put("accountProof", "0x"),
            p -> ((ArrayNode) p.get("accountProof")).set(0, 7),
            p -> ((ArrayNode) p.get("accountProof")).set(0, "0xf9"),
            p -> p.remove("balance"),
            p -> p.put("nonce", 1),
            p -> p.put("codeHash", "0x1234"),
            p -> p.remove("storageProof"),
            p -> ((ArrayNode) p.get("storageProof")).set(0, "0x0"),
            p -> ((ObjectNode) p.get("storageProof").get(0)).remove("proof"),
            p -> ((ObjectNode) p.get("storageProof").get(0)).put("key", "0x"),
            p -> ((ObjectNode) p.get("storageProof").get(0)).put("value", "zero"));
    for (int i = 0; i < breakers.size(); i++) {
      ObjectNode broken = real.deepCopy();
      breakers.get(i).accept(broken);
      assertThrows(
          ProofException.class,
          () -> StateProof.verify(root(LATEST), CONTRACT, CONTRACT_SLOTS, broken),
          "breaker " + i);
    }
    assertThrows(
        ProofException.class,
        () -> StateProof.verify(root(LATEST), CONTRACT, CONTRACT_SLOTS, null));
    assertThrows(
        ProofException.class, () -> StateProof.verify(root(LATEST), "0x1234", List.of(), real));
    assertThrows(
        ProofException.class,
        () -> StateProof.verify(new byte[31], CONTRACT, CONTRACT_SLOTS, real));
    assertThrows(
        ProofException.class, () -> StateProof.verify(root(LATEST), null, List.of(), real));
    List<String> withNull = new ArrayList<>(CONTRACT_SLOTS);
    withNull.set(1, null);
    assertThrows(
        ProofException.class, () -> StateProof.verify(root(LATEST), CONTRACT, withNull, real));
    assertThrows(
        ProofException.class,
        () ->
            StateProof.verify(
                root(LATEST), CONTRACT, List.of("5", "0x5", "0x6", CONTRACT_SLOTS.get(3)), real));
  }

  /** Whether a proof holds an extension node (two items, its path's flag nibble 0 or 1). */
  private static boolean hasExtension(JsonNode proof) throws ProofException {
    for (JsonNode n : proof) {
      List<Rlp.Item> items = Rlp.items(Rlp.item(Fixtures.hex(n.asText())));
      if (items.size() == 2 && (items.get(0).content()[0] & 0xf0) <= 0x10) {
        return true;
      }
    }
    return false;
  }
}
