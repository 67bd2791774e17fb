package dev.rpcshield.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BlockHeaderTest {
  private static final Set<String> QUANTITIES =
      Set.of(
          "difficulty",
          "number",
          "gasLimit",
          "gasUsed",
          "timestamp",
          "baseFeePerGas",
          "blobGasUsed",
          "excessBlobGas");

  /** Forks whose anvil genesis carries no field ahead of its fork (see below). */
  private static final List<String> SOUND_GENESIS = List.of("shanghai", "cancun", "prague");

  /**
   * Every block anvil answered, for each fork, with and without full transactions, but the genesis
   * of Berlin and London.
   */
  static Stream<JsonNode> anvilBlocks() {
    List<JsonNode> blocks = new ArrayList<>();
    for (String fork : Fixtures.FORKS) {
      for (JsonNode block : Fixtures.results("anvil-" + fork + "-blocks.json")) {
        if (SOUND_GENESIS.contains(fork) || !block.get("number").asText().equals("0x0")) {
          blocks.add(block);
        }
      }
    }
    return blocks.stream();
  }

  /**
   * anvil gives its genesis before Shanghai Cancun's blob fields without London's base fee or
   * Shanghai's withdrawals root, and hashes the fields present; no chain has such a header, whose
   * RLP would not say which fields it holds, and it is refused.
   */
  @ParameterizedTest
  @ValueSource(strings = {"berlin", "london"})
  void anvilsGenesisWithBlobFieldsBeforeLondonOrShanghaiIsRefused(String fork) {
    String file = "anvil-" + fork + "-blocks.json";
    JsonNode genesis = Fixtures.result(file, "eth_getBlockByNumber", "0x0", "false");
    assertTrue(genesis.has("blobGasUsed"));
    ProofException e = assertThrows(ProofException.class, () -> BlockHeader.of(genesis));
    assertTrue(e.getMessage().startsWith("block has blobGasUsed without "), e.getMessage());
  }

  static Stream<JsonNode> mainnetBlocks() {
    List<JsonNode> blocks = new ArrayList<>();
    Fixtures.load("mainnet-blocks.json").get("blocks").forEach(blocks::add);
    return blocks.stream();
  }

  /** anvil's latest Prague block: every fork's field present. */
  private static ObjectNode prague() {
    return Fixtures.block(Fixtures.latest()).deepCopy();
  }

  private static void assertRecomputed(JsonNode block) throws ProofException {
    BlockHeader header = BlockHeader.of(block);
    assertArrayEquals(Fixtures.hex(block.get("hash").asText()), header.hash());
    assertTrue(header.hashMatches());
    assertEquals(Long.decode(block.get("number").asText()), header.number());
    assertArrayEquals(Fixtures.hex(block.get("stateRoot").asText()), header.stateRoot());
    assertArrayEquals(Fixtures.hex(block.get("parentHash").asText()), header.parentHash());
    assertArrayEquals(
        Fixtures.hex(block.get("transactionsRoot").asText()), header.transactionsRoot());
    assertArrayEquals(Fixtures.hex(block.get("receiptsRoot").asText()), header.receiptsRoot());
  }

  @ParameterizedTest
  @MethodSource("anvilBlocks")
  void everyForkOfAnvilHashesToItsOwnHash(JsonNode block) throws ProofException {
    assertRecomputed(block);
  }

  @ParameterizedTest
  @MethodSource("mainnetBlocks")
  void mainnetBlocksFromGenesisToPragueHashToTheirOwnHash(JsonNode block) throws ProofException {
    assertRecomputed(block);
  }

  @Test
  void aChildCommitsToItsParentsRecomputedHash() throws ProofException {
    List<JsonNode> mainnet = mainnetBlocks().toList();
    assertArrayEquals(
        BlockHeader.of(mainnet.get(1)).hash(), BlockHeader.of(mainnet.get(2)).parentHash());
    for (String fork : SOUND_GENESIS) {
      String file = "anvil-" + fork + "-blocks.json";
      assertArrayEquals(
          BlockHeader.of(Fixtures.result(file, "eth_getBlockByNumber", "0x0", "false")).hash(),
          BlockHeader.of(Fixtures.result(file, "eth_getBlockByNumber", "0x1", "true")).parentHash(),
          fork);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "parentHash",
        "sha3Uncles",
        "miner",
        "stateRoot",
        "transactionsRoot",
        "receiptsRoot",
        "logsBloom",
        "difficulty",
        "number",
        "gasLimit",
        "gasUsed",
        "timestamp",
        "extraData",
        "mixHash",
        "nonce",
        "baseFeePerGas",
        "withdrawalsRoot",
        "blobGasUsed",
        "excessBlobGas",
        "parentBeaconBlockRoot",
        "requestsHash"
      })
  void changingAnyFieldChangesTheHash(String field) throws ProofException {
    ObjectNode block = prague();
    byte[] real = BlockHeader.of(block).hash();
    block.put(field, changed(field, block.get(field).asText()));
    BlockHeader header = BlockHeader.of(block);
    assertFalse(header.hashMatches());
    assertFalse(Arrays.equals(real, header.hash()));
  }

  /** The value one more for a quantity, else with its last hex digit changed (or a byte added). */
  private static String changed(String field, String value) {
    if (QUANTITIES.contains(field)) {
      return "0x" + new BigInteger(value.substring(2), 16).add(BigInteger.ONE).toString(16);
    }
    if (value.equals("0x")) {
      return "0x00";
    }
    char last = value.charAt(value.length() - 1);
    return value.substring(0, value.length() - 1) + (last == '0' ? '1' : '0');
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "parentHash",
        "sha3Uncles",
        "miner",
        "stateRoot",
        "transactionsRoot",
        "receiptsRoot",
        "logsBloom",
        "difficulty",
        "number",
        "gasLimit",
        "gasUsed",
        "timestamp",
        "extraData",
        "mixHash",
        "nonce"
      })
  void aMissingOrNullFieldIsRefused(String field) {
    ObjectNode block = prague();
    block.remove(field);
    assertThrows(ProofException.class, () -> BlockHeader.of(block));
    block.set(field, NullNode.getInstance());
    assertThrows(ProofException.class, () -> BlockHeader.of(block));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "baseFeePerGas",
        "withdrawalsRoot",
        "blobGasUsed",
        "excessBlobGas",
        "parentBeaconBlockRoot"
      })
  void aForkFieldWithoutAnEarlierOneIsRefused(String field) {
    ObjectNode block = prague();
    block.remove(field);
    ProofException e = assertThrows(ProofException.class, () -> BlockHeader.of(block));
    assertTrue(e.getMessage().contains("without " + field), e.getMessage());
  }

  @Test
  void aBlockWithoutItsLastForkFieldsIsAnEarlierForksHeaderWithAnotherHash() throws Exception {
    ObjectNode block = prague();
    block.remove("requestsHash");
    assertFalse(BlockHeader.of(block).hashMatches());
    block.remove(List.of("blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot"));
    assertFalse(BlockHeader.of(block).hashMatches());
  }

  @Test
  void aBlockWithoutAHashOfItsOwnIsReadButDoesNotMatch() throws ProofException {
    ObjectNode block = prague();
    block.remove("hash");
    assertFalse(BlockHeader.of(block).hashMatches());
    block.put("hash", "0x1234");
    assertFalse(BlockHeader.of(block).hashMatches());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "stateRoot=0x1234",
        "miner=0x00000000000000000000000000000000000000",
        "logsBloom=0x00",
        "nonce=0x00000000000000",
        "extraData=0x0",
        "extraData=1234",
        "number=0x",
        "number=0x8000000000000000",
        "gasUsed=0x1g",
        "gasUsed=12",
        "difficulty=0x10000000000000000000000000000000000000000000000000000000000000000",
        "baseFeePerGas=-0x1",
        "parentHash=0x+f"
      })
  void aMalformedFieldIsRefused(String change) {
    ObjectNode block = prague();
    String[] kv = change.split("=", 2);
    block.put(kv[0], kv[1]);
    assertThrows(ProofException.class, () -> BlockHeader.of(block));
  }

  @Test
  void aFieldThatIsNoStringIsRefused() {
    ObjectNode block = prague();
    block.put("gasUsed", 21000);
    assertThrows(ProofException.class, () -> BlockHeader.of(block));
  }

  @Test
  void leadingZerosInAQuantityDoNotChangeTheHash() {
    ObjectNode block = prague();
    block.put("gasUsed", "0x0000" + block.get("gasUsed").asText().substring(2));
    assertTrue(assertDoesNotThrow(() -> BlockHeader.of(block)).hashMatches());
  }

  @Test
  void anythingButAnObjectIsRefused() {
    assertThrows(ProofException.class, () -> BlockHeader.of(null));
    assertThrows(ProofException.class, () -> BlockHeader.of(NullNode.getInstance()));
    assertThrows(ProofException.class, () -> BlockHeader.of(Fixtures.JSON.createArrayNode()));
    assertThrows(ProofException.class, () -> BlockHeader.of(Fixtures.JSON.createObjectNode()));
  }

  @Test
  void theHashReturnedIsACopy() throws ProofException {
    BlockHeader header = BlockHeader.of(prague());
    header.stateRoot()[0] ^= 1;
    header.hash()[0] ^= 1;
    assertTrue(header.hashMatches());
    assertArrayEquals(Fixtures.hex(prague().get("stateRoot").asText()), header.stateRoot());
    assertArrayEquals(Fixtures.hex(prague().get("hash").asText()), header.hash());
  }
}
