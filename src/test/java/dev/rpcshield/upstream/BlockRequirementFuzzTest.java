package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Any params of any method give a requirement, never an exception: they come from the client and
 * are read before an upstream is chosen. The block named is a number or -1, never below it. The
 * input is the method, a newline, then the params.
 */
class BlockRequirementFuzzTest {

  @FuzzTest(maxDuration = "10s", maxExecutions = 200_000)
  void anyParamsGiveARequirement(byte[] input) {
    int newline = indexOf(input, (byte) '\n');
    String method = new String(input, 0, newline, StandardCharsets.UTF_8);
    byte[] params = Arrays.copyOfRange(input, Math.min(newline + 1, input.length), input.length);
    BlockRequirement r = BlockRequirement.of(method, () -> params);
    assertTrue(r.minBlock() >= -1, "block " + r.minBlock());
    assertTrue(r.headSensitive() || r.minBlock() == -1);
    assertEquals(
        BlockRequirement.of(method, () -> null).headSensitive(),
        r.headSensitive(),
        "params changed whether the method depends on the head");
  }

  private static int indexOf(byte[] input, byte b) {
    for (int i = 0; i < input.length; i++) {
      if (input[i] == b) {
        return i;
      }
    }
    return input.length;
  }
}
