package dev.rpcshield.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamReplyTest {

  private static UpstreamReply read(String s) throws IOException {
    return UpstreamReply.read(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsBatchAnswersAndSplicesClientIds() throws Exception {
    UpstreamReply reply =
        read(
            "[{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"a\":[1,2]}},"
                + " {\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"nonce too low\",\"data\":{}}}]");
    assertTrue(reply.isArray());
    assertEquals(2L, reply.answers().get(0).id());
    assertFalse(reply.answers().get(0).isError());
    UpstreamReply.Answer err = reply.answers().get(1);
    assertEquals(-32000, err.errorCode());
    assertEquals("nonce too low", err.errorMessage());
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"result\":{\"a\":[1,2]}}",
        new String(reply.withClientId(reply.answers().get(0), "\"abc\"".getBytes())));
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":\"nonce too low\",\"data\":{}}}",
        new String(reply.withClientId(err, null)));
  }

  @Test
  void singleErrorWithoutIdIsReadWithNullId() throws Exception {
    UpstreamReply reply =
        read("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32005,\"message\":\"limit\"}}");
    assertFalse(reply.isArray());
    assertNull(reply.answers().get(0).id());
    assertEquals(
        "{\"id\":5,\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32005,\"message\":\"limit\"}}",
        new String(reply.withClientId(reply.answers().get(0), "5".getBytes())));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "<html>bad gateway</html>",
        "{\"jsonrpc\":\"2.0\",\"id\":1}",
        "[1]",
        "{\"id\":1,\"result\":1} {}"
      })
  void garbageIsRefused(String body) {
    assertThrows(IOException.class, () -> read(body));
  }
}
