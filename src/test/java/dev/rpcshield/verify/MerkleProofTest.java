package dev.rpcshield.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.web3j.crypto.Hash;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;

class MerkleProofTest {
  private static final byte[] NO_KEY = new byte[32];

  @Test
  void aRealAccountProofLeadsToTheAccountsLeaf() throws Exception {
    JsonNode proof = Fixtures.proof(Fixtures.FUNDED, Fixtures.latest());
    byte[] root = BlockHeader.of(Fixtures.block(Fixtures.latest())).stateRoot();
    byte[] leaf =
        MerkleProof.value(
            root, Hash.sha3(Fixtures.hex(Fixtures.FUNDED)), nodes(proof.get("accountProof")));
    byte[] expected =
        RlpEncoder.encode(
            new RlpList(
                RlpString.create(BigInteger.ZERO),
                RlpString.create(new BigInteger("1500000000000000044")),
                RlpString.create(MerkleProof.EMPTY_ROOT),
                RlpString.create(Hash.sha3(new byte[0]))));
    assertArrayEquals(expected, leaf);
  }

  @Test
  void theEmptyTrieProvesEveryKeyAbsent() throws ProofException {
    assertNull(MerkleProof.value(MerkleProof.EMPTY_ROOT, NO_KEY, List.of()));
    assertNull(
        MerkleProof.value(MerkleProof.EMPTY_ROOT, NO_KEY, List.of(new byte[] {(byte) 0x80})));
    assertThrows(ProofException.class, () -> MerkleProof.value(new byte[32], NO_KEY, List.of()));
    assertThrows(
        ProofException.class,
        () -> MerkleProof.value(MerkleProof.EMPTY_ROOT, NO_KEY, List.of(new byte[] {0x00})));
  }

  @Test
  void aRootThatIsNo32BytesIsRefused() {
    assertThrows(ProofException.class, () -> MerkleProof.value(null, NO_KEY, List.of()));
    assertThrows(ProofException.class, () -> MerkleProof.value(new byte[31], NO_KEY, List.of()));
  }

  @Test
  void aRealProofCutShortReorderedOrWithANodeMoreIsRefused() throws Exception {
    JsonNode proof = Fixtures.proof(Fixtures.about("neighbour"), Fixtures.latest());
    byte[] root = BlockHeader.of(Fixtures.block(Fixtures.latest())).stateRoot();
    byte[] key = Hash.sha3(Fixtures.hex(Fixtures.about("neighbour")));
    List<byte[]> nodes = nodes(proof.get("accountProof"));
    assertTrue(MerkleProof.value(root, key, nodes) != null);

    List<byte[]> cut = nodes.subList(0, nodes.size() - 1);
    assertThrows(ProofException.class, () -> MerkleProof.value(root, key, cut));
    List<byte[]> swapped = new ArrayList<>(nodes);
    swapped.set(1, nodes.get(2));
    swapped.set(2, nodes.get(1));
    assertThrows(ProofException.class, () -> MerkleProof.value(root, key, swapped));
    List<byte[]> more = new ArrayList<>(nodes);
    more.add(nodes.get(0));
    ProofException e = assertThrows(ProofException.class, () -> MerkleProof.value(root, key, more));
    assertEquals("proof has nodes off the key's path", e.getMessage());
  }

  private static byte[] key(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static String value(String key, List<byte[]> nodes) throws ProofException {
    byte[] v = MerkleProof.value(PuppyTrie.root(), key(key), nodes);
    return v == null ? null : new String(v, StandardCharsets.US_ASCII);
  }

  @Test
  void thePuppyTrieHasTheRootOfEthereumsTrieTests() {
    assertEquals(
        "5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84",
        HexFormat.of().formatHex(PuppyTrie.root()));
    assertTrue(PuppyTrie.encode(PuppyTrie.SEVEN).length < 32, "an inline extension");
    assertTrue(PuppyTrie.encode(PuppyTrie.PUPPY_BRANCH).length < 32, "an inline branch");
    assertTrue(PuppyTrie.encode(PuppyTrie.STALLION_LEAF).length < 32, "an inline leaf");
  }

  @ParameterizedTest
  @CsvSource({
    "doge, coin",
    "dog, puppy",
    "do, verb",
    "dogs,",
    "dogecoin,",
    "doe,",
  })
  void valuesInInlineNodesAndBranchSlotsAreProven(String key, String expected)
      throws ProofException {
    assertEquals(expected, value(key, PuppyTrie.TO_VERB));
  }

  @Test
  void aKeyLeavingAnExtensionIsProvenAbsentThereAndTheNodesBelowAreRefused() throws ProofException {
    List<byte[]> toSixF = PuppyTrie.TO_VERB.subList(0, 3);
    assertNull(value("d", toSixF));
    assertNull(value("dx", toSixF));
    assertThrows(ProofException.class, () -> value("d", PuppyTrie.TO_VERB));
  }

  @ParameterizedTest
  @CsvSource({"horse, stallion", "hors,", "horses,", "horsa,", "cat,", "a,"})
  void anInlineLeafOfTheRootBranchIsProven(String key, String expected) throws ProofException {
    assertEquals(expected, value(key, PuppyTrie.TO_HORSE));
  }

  @Test
  void theEmptyKeyIsProvenAbsentAtTheRootExtension() throws ProofException {
    assertNull(value("", List.of(PuppyTrie.encode(PuppyTrie.ROOT))));
  }

  @Test
  void inlineNodesSentAsWellAreAcceptedInPathOrder() throws ProofException {
    List<byte[]> withInline = new ArrayList<>(PuppyTrie.TO_VERB);
    withInline.add(PuppyTrie.encode(PuppyTrie.SEVEN));
    withInline.add(PuppyTrie.encode(PuppyTrie.PUPPY_BRANCH));
    withInline.add(PuppyTrie.encode(PuppyTrie.COIN_LEAF));
    assertEquals("coin", value("doge", withInline));
    assertThrows(ProofException.class, () -> value("dog", withInline));
    List<byte[]> outOfOrder = new ArrayList<>(withInline);
    outOfOrder.set(4, PuppyTrie.encode(PuppyTrie.PUPPY_BRANCH));
    outOfOrder.set(5, PuppyTrie.encode(PuppyTrie.SEVEN));
    assertThrows(ProofException.class, () -> value("doge", outOfOrder));
  }

  @Test
  void aProofMissingTheNodeThePathTakesIsRefused() {
    assertThrows(ProofException.class, () -> value("dog", PuppyTrie.TO_HORSE));
    assertThrows(ProofException.class, () -> value("horse", PuppyTrie.TO_VERB));
  }

  @Test
  void everyChangedByteOfThePuppyProofIsRefusedOrChangesNothing() throws ProofException {
    for (String key : List.of("doge", "dog", "do", "dogs")) {
      String expected = value(key, PuppyTrie.TO_VERB);
      for (int n = 0; n < PuppyTrie.TO_VERB.size(); n++) {
        for (int i = 0; i < PuppyTrie.TO_VERB.get(n).length; i++) {
          List<byte[]> nodes = new ArrayList<>(PuppyTrie.TO_VERB);
          byte[] node = nodes.get(n).clone();
          node[i] ^= 0x01;
          nodes.set(n, node);
          try {
            assertEquals(expected, value(key, nodes), key + " node " + n + " byte " + i);
          } catch (ProofException refused) {
            assertTrue(refused.getMessage() != null);
          }
        }
      }
    }
  }

  @Test
  void malformedNodesAreRefused() {
    for (String hex :
        List.of(
            "c0",
            "c180",
            "c28080",
            "01",
            "c3820000",
            "c2c080",
            "b800",
            "bfffffffffffffffff",
            "ffffffffffffffffff",
            "c2208080",
            "e3a120" + "00".repeat(32) + "80",
            "c28100",
            "e2a000",
            "f8",
            "b90001")) {
      byte[] node = HexFormat.of().parseHex(hex);
      assertThrows(
          ProofException.class,
          () -> MerkleProof.value(Hash.sha3(node), NO_KEY, List.of(node)),
          hex);
    }
  }

  @Test
  void hexPrefixFlagsAndPathsAreChecked() {
    // a leaf with flag 4, and an even extension with a nibble in its pad
    for (String path : List.of("40", "01", "")) {
      byte[] node = RlpEncoder.encode(new RlpList(PuppyTrie.bytes(path), PuppyTrie.bytes("aa")));
      assertThrows(
          ProofException.class,
          () -> MerkleProof.value(Hash.sha3(node), NO_KEY, List.of(node)),
          path);
    }
  }

  static List<byte[]> nodes(JsonNode array) {
    List<byte[]> out = new ArrayList<>();
    array.forEach(n -> out.add(Fixtures.hex(n.asText())));
    return out;
  }
}
