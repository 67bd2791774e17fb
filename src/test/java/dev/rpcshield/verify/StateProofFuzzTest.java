package dev.rpcshield.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An eth_getProof answer changed in any way is refused with {@link ProofException} or proves the
 * very account and storage the real answer proves: a real answer of anvil is edited as a JSON tree
 * ({@link JsonEdits}) and verified against the real state root. The input's first byte picks the
 * answer; then each 5 bytes are one edit.
 */
class StateProofFuzzTest {
  private static final List<Case> CASES = cases();

  /**
   * An answer, what was asked and what it proves.
   *
   * @param root the state root
   * @param address the address asked
   * @param slots the slots asked
   * @param answer the real answer
   * @param proven what it proves
   */
  private record Case(
      byte[] root, String address, List<String> slots, JsonNode answer, ProvenAccount proven) {}

  @FuzzTest(maxDuration = "10s", maxExecutions = 200_000)
  void aMutatedAnswerProvesTheSameOrIsRefused(byte[] input) {
    if (input.length == 0) {
      return;
    }
    Case c = CASES.get((input[0] & 0xff) % CASES.size());
    JsonNode answer = c.answer().deepCopy();
    for (int at = 1; at + JsonEdits.EDIT <= input.length; at += JsonEdits.EDIT) {
      JsonEdits.edit(answer, input, at);
    }
    try {
      ProvenAccount proven = StateProof.verify(c.root(), c.address(), c.slots(), answer);
      assertEquals(c.proven().nonce(), proven.nonce());
      assertEquals(c.proven().balance(), proven.balance());
      assertArrayEquals(c.proven().storageRoot(), proven.storageRoot());
      assertArrayEquals(c.proven().codeHash(), proven.codeHash());
      assertEquals(c.proven().storage(), proven.storage());
    } catch (ProofException e) {
      assertNotNull(e.getMessage());
    }
  }

  private static List<Case> cases() {
    String latest = Fixtures.latest();
    String contract = Fixtures.about("contract");
    List<String> slots = List.of("0x0", "0x5", "0x6", "0x" + Long.toHexString(Fixtures.near()));
    List<Case> cases = new ArrayList<>();
    try {
      byte[] root = BlockHeader.of(Fixtures.block(latest)).stateRoot();
      cases.add(answer(root, Fixtures.FUNDED, List.of(), latest));
      cases.add(answer(root, Fixtures.SENDER, List.of(), latest));
      cases.add(answer(root, Fixtures.ABSENT, List.of("0x0"), latest));
      cases.add(answer(root, contract, slots, latest));
      cases.add(answer(root, Fixtures.about("neighbour"), List.of(), latest));
      byte[] before = BlockHeader.of(Fixtures.block("0x1")).stateRoot();
      cases.add(answer(before, contract, List.of("0x5"), "0x1"));
    } catch (ProofException e) {
      throw new IllegalStateException("a fixture does not verify: " + e.getMessage());
    }
    return cases;
  }

  private static Case answer(byte[] root, String address, List<String> slots, String block)
      throws ProofException {
    JsonNode answer = Fixtures.proof(address, block);
    return new Case(root, address, slots, answer, StateProof.verify(root, address, slots, answer));
  }
}
