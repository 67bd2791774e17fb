package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LogsOfBlocksTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADDRESS = "\"0x5fbdb2315678afecb367f032d93f642f64180aa3\"";
  private static final String TOPIC =
      "\"0x0000000000000000000000000000000000000000000000000000000000000007\"";

  private static ObjectNode filter(String json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{\"address\":" + ADDRESS + "}",
        "{\"address\":["
            + ADDRESS
            + ","
            + ADDRESS
            + "],\"topics\":["
            + TOPIC
            + ",null,["
            + TOPIC
            + "]]}",
        "{\"topics\":[],\"fromBlock\":\"0x1\"}"
      })
  void aFilterANodeTakesIsTaken(String json) throws Exception {
    ObjectNode f = filter(json);
    assertDoesNotThrow(() -> LogsOfBlocks.check(f));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"blockHash\":\"0x12\"}|a logs filter has no field blockHash",
        "{\"address\":\"0x12\"}|address must be an address or a list of them",
        "{\"address\":[1]}|address must be an address or a list of them",
        "{\"topics\":\"0x12\"}|topics must be a list of at most four",
        "{\"topics\":[null,null,null,null,null]}|topics must be a list of at most four",
        "{\"topics\":[\"0x12\"]}|a topic must be 32 bytes of hex, null or a list",
        "{\"topics\":[[7]]}|a topic must be 32 bytes of hex, null or a list"
      })
  void aMalformedFilterIsRefusedNamingWhy(String json, String why) throws Exception {
    ObjectNode f = filter(json);
    assertEquals(
        why,
        assertThrows(IllegalArgumentException.class, () -> LogsOfBlocks.check(f)).getMessage());
  }
}
