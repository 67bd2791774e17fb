package dev.rpcshield.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdsTest {
  private static final String MADE = "[0-9a-f]{8}-[0-9a-z]+";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "trace-7f3a:upstream/1",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-01",
        "~!#$%&'()*"
      })
  void aClientsOwnIdThatCanBeQuotedBackIsKept(String id) {
    assertEquals(id, RequestIds.of(id));
  }

  @Test
  void theLongestKeptIdIs128Characters() {
    String longest = "x".repeat(RequestIds.MAX_CLIENT_ID);
    assertEquals(longest, RequestIds.of(longest));
    assertTrue(RequestIds.of(longest + "x").matches(MADE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a\"b", "a\\b", "a\tb", "a\nb", "é", "a\u0000"})
  void anIdThatCannotBeQuotedBackSafelyIsReplacedByANewOne(String id) {
    assertTrue(RequestIds.of(id).matches(MADE), RequestIds.of(id));
  }

  @Test
  void withoutAnIdEachRequestGetsItsOwn() {
    String one = RequestIds.of(null);
    assertTrue(one.matches(MADE), one);
    assertNotEquals(one, RequestIds.of(null));
  }
}
