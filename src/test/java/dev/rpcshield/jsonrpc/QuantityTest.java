package dev.rpcshield.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantityTest {

  /** As anvil reads a block: 0x or 0X, any leading zeros, up to 2^64-1; 2^63 and up saturate. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0x0|0",
        "0x10|16",
        "0X10|16",
        "0xFf|255",
        "0x0000000000000000000000000010|16",
        "0x00000000000000000000ffffffffffffffff|9223372036854775807",
        "0x7fffffffffffffff|9223372036854775807",
        "0x8000000000000000|9223372036854775807",
        "0xffffffffffffffff|9223372036854775807",
        "0x10000000000000000|-1",
        "0x1ffffffffffffffff|-1",
        "0x|-1",
        "0x-1|-1",
        "0x+1|-1",
        "0x1_0|-1",
        "0x\u0661|-1",
        "' 0x10'|-1",
        "'0x10 '|-1",
        "16|-1",
        "x10|-1",
        "latest|-1",
        "safe|-1",
      })
  void blockNumbersAreReadAsNodesReadThem(String text, long expected) {
    assertEquals(expected, Quantity.blockNumber(text));
  }
}
