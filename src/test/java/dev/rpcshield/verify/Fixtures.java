package dev.rpcshield.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The real answers kept under {@code src/test/resources/dev/rpcshield/verify}: anvil's ({@code
 * anvil-<fork>-*.json}, each answer with the method and params that asked it) and mainnet headers
 * ({@code mainnet-blocks.json}).
 */
final class Fixtures {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The anvil (Prague) chain with a funded account, a contract with storage and eth_getProof. */
  static final String PROOFS = "anvil-prague-proofs.json";

  /**
   * The anvil (Prague) chain whose block 2 holds a transaction of every type, one reverting, with
   * logs; blocks, receipts and transactions as anvil answered them ({@code capture-txs.mjs}).
   */
  static final String TXS = "anvil-prague-txs.json";

  /** Forks whose blocks anvil answered, {@code anvil-<fork>-blocks.json}. */
  static final List<String> FORKS = List.of("berlin", "london", "shanghai", "cancun", "prague");

  /** An account funded with 1.5 ether at block 1 and 44 wei later. */
  static final String FUNDED = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c";

  /** anvil's first dev account, which sent two transactions. */
  static final String SENDER = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

  /** An account nothing ever touched. */
  static final String ABSENT = "0x7e57000000000000000000000000000000ab5e47";

  /** The code the contract's constructor returned. */
  static final String RUNTIME = "0x60005460005260206000f3";

  private Fixtures() {}

  static JsonNode load(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no fixture " + name);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The results of every answer in a fixture file, in order. */
  static List<JsonNode> results(String name) {
    List<JsonNode> out = new ArrayList<>();
    load(name).get("answers").forEach(a -> out.add(a.get("result")));
    return out;
  }

  /** The result of the answer to {@code method} whose first and last params are those given. */
  static JsonNode result(String name, String method, String first, String last) {
    for (JsonNode a : load(name).get("answers")) {
      JsonNode params = a.get("params");
      if (a.get("method").asText().equals(method)
          && params.get(0).asText().equals(first)
          && params.get(params.size() - 1).asText().equals(last)) {
        return a.get("result");
      }
    }
    throw new IllegalStateException("no answer to " + method + " " + first + " at " + last);
  }

  /** The eth_getProof answer for {@code address} at {@code block} in the proofs fixture. */
  static JsonNode proof(String address, String block) {
    return result(PROOFS, "eth_getProof", address, block);
  }

  /** A block of the proofs fixture, by number. */
  static JsonNode block(String number) {
    return result(PROOFS, "eth_getBlockByNumber", number, "false");
  }

  /** The number of the proofs fixture's latest block, at which most proofs were asked. */
  static String latest() {
    return load(PROOFS).get("answers").get(0).get("params").get(0).asText();
  }

  /** A string field of the proofs fixture's header: contract, neighbour. */
  static String about(String field) {
    return load(PROOFS).get(field).asText();
  }

  /** The slot the constructor set beside slot 0 (their keys share a path in the storage trie). */
  static long near() {
    return load(PROOFS).get("near").asLong();
  }

  static byte[] hex(String text) {
    return HexFormat.of().parseHex(text.substring(2));
  }
}
