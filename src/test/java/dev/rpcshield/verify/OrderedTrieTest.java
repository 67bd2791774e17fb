package dev.rpcshield.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderedTrieTest {

  @Test
  void theEmptyListHasTheEmptyRoot() {
    assertArrayEquals(MerkleProof.EMPTY_ROOT, OrderedTrie.root(List.of()));
  }

  @Test
  void buildsTheTrieOfEthereumsTrieTestsWithKeysThatArePrefixesOfOthers() {
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (Map.Entry<String, String> e : PuppyTrie.ENTRIES.entrySet()) {
      keys.add(e.getKey().getBytes(StandardCharsets.US_ASCII));
      values.add(e.getValue().getBytes(StandardCharsets.US_ASCII));
    }
    assertArrayEquals(PuppyTrie.root(), OrderedTrie.root(keys, values));
  }

  @Test
  void aListOfOneItemIsALeafUnderTheKeyOfZero() {
    byte[] value = "x".getBytes(StandardCharsets.US_ASCII);
    byte[] leaf = Rlp.list(List.of(Rlp.string(new byte[] {0x20, (byte) 0x80}), Rlp.string(value)));
    assertArrayEquals(org.web3j.crypto.Hash.sha3(leaf), OrderedTrie.root(List.of(value)));
  }

  @Test
  void itemsFromTheHundredAndTwentyEighthOnAreKeyedByTwoByteIntegers() {
    List<byte[]> values = new ArrayList<>();
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      values.add(BigInteger.valueOf(i * 7919L).toByteArray());
      keys.add(
          i == 0
              ? new byte[] {(byte) 0x80}
              : i < 0x80
                  ? new byte[] {(byte) i}
                  : i < 0x100
                      ? new byte[] {(byte) 0x81, (byte) i}
                      : new byte[] {(byte) 0x82, (byte) (i >> 8), (byte) i});
    }
    assertArrayEquals(OrderedTrie.root(keys, values), OrderedTrie.root(values));
    assertArrayEquals(
        HexFormat.of().parseHex("8180"),
        Rlp.string(Rlp.quantity(BigInteger.valueOf(128))),
        "the key of item 128");
  }
}
