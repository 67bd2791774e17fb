package dev.rpcshield.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RpcParserTest {
  private final RpcParser parser = new RpcParser(new ParseLimits(4096, 3, 8, 30, 200));

  private ParsedBody parse(String json) throws RpcBodyException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return parser.parse(b, b.length);
  }

  private static String s(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void singleRequestKeepsIdMethodAndParamsAsSent() throws Exception {
    String body =
        "{ \"jsonrpc\": \"2.0\", \"method\": \"eth_getBalance\","
            + " \"params\": [\"0xabc\", \"latest\"], \"id\": \"a\\\"b\" }";
    ParsedBody parsed = parse(body);
    assertFalse(parsed.batch());
    RpcCall call = assertInstanceOf(RpcCall.class, parsed.members().get(0));
    assertEquals("eth_getBalance", call.method());
    assertEquals("\"a\\\"b\"", s(call.rawId()));
    assertEquals("[\"0xabc\", \"latest\"]", s(call.rawParams()));
    assertEquals(body, s(call.rawBytes()));
    assertFalse(call.isNotification());
  }

  /**
   * Six blobs in EIP-7594's network form, each a 131,072-byte blob, a 48-byte commitment and 128
   * cell proofs of 48 bytes, are about 1.65 million hex characters in one string.
   */
  @Test
  void defaultLimitsTakeASixBlobTransaction() throws Exception {
    int sidecarBytes = 6 * (131_072 + 48 + 128 * 48);
    String raw = "0x03" + "ab".repeat(sidecarBytes + 200);
    byte[] body =
        ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\",\"params\":[\""
                + raw
                + "\"]}")
            .getBytes(StandardCharsets.UTF_8);
    ParsedBody parsed = new RpcParser(ParseLimits.DEFAULTS).parse(body, body.length);
    RpcCall call = assertInstanceOf(RpcCall.class, parsed.members().get(0));
    assertEquals(raw.length() + 4, call.rawParams().length);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1|1",
        "-7|-7",
        "123456789012345678901234567890|123456789012345678901234567890",
        "1.50|1.50",
        "1e3|1e3",
        "null|null",
        "\"\"|\"\"",
      })
  void idsComeBackByteForByte(String id, String expected) throws Exception {
    RpcCall call =
        (RpcCall)
            parse("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"m\"}").members().get(0);
    assertEquals(expected, s(call.rawId()));
  }

  @Test
  void withIdSwapsOnlyTheIdAndAddsOneToNotifications() throws Exception {
    RpcCall call =
        (RpcCall)
            parse("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"m\",\"params\":[]}")
                .members()
                .get(0);
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"m\",\"params\":[]}", s(call.withId(42)));
    RpcCall note = (RpcCall) parse("{\"jsonrpc\":\"2.0\",\"method\":\"m\"}").members().get(0);
    assertTrue(note.isNotification());
    assertNull(note.rawId());
    assertEquals("{\"id\":7,\"jsonrpc\":\"2.0\",\"method\":\"m\"}", s(note.withId(7)));
  }

  @Test
  void batchKeepsOrderAndMarksBadMembers() throws Exception {
    ParsedBody parsed =
        parse(
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"}, 5, {\"jsonrpc\":\"1.0\",\"id\":3,\"method\":\"c\"}]");
    assertTrue(parsed.batch());
    assertEquals(3, parsed.members().size());
    assertInstanceOf(RpcCall.class, parsed.members().get(0));
    InvalidMember scalar = assertInstanceOf(InvalidMember.class, parsed.members().get(1));
    assertNull(scalar.rawId());
    InvalidMember version = assertInstanceOf(InvalidMember.class, parsed.members().get(2));
    assertEquals("3", s(version.rawId()));
    assertEquals(RpcErrorCode.INVALID_REQUEST, version.error().code());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"jsonrpc\":\"2.0\",\"id\":1}|method is missing|1",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}|method must be a string|1",
        "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"m\"}|id must be|",
        "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"m\"}|id must be|",
        "{\"id\":1,\"method\":\"m\"}|jsonrpc must be|1",
        "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"m\"}|jsonrpc must be|1",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":\"x\"}|params must be|1",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"method\":\"b\"}|duplicate key|1",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"params\":[{\"to\":1,\"to\":2}]}|duplicate key inside params|1",
        "\"hello\"|request must be an object|",
      })
  void invalidRequestsGetMinus32600WithTheirIdWhenReadable(String body, String why, String id)
      throws Exception {
    InvalidMember m = assertInstanceOf(InvalidMember.class, parse(body).members().get(0));
    assertEquals(-32600, m.error().code().code());
    assertTrue(m.error().message().contains(why), m.error().message());
    assertEquals(id, s(m.rawId()));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "|-32700",
        "{|-32700",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\"} x|-32700",
        "[{\"jsonrpc\":\"2.0\",\"method\":\"m\"}|-32700",
        "[]|-32600",
        "[1,2,3,4]|-32014",
        "[[[[[[[[[[1]]]]]]]]]]|-32600",
        "{\"jsonrpc\":\"2.0\",\"id\":1234567890123456789012345678901234567890,\"method\":\"m\"}|-32600",
      })
  void wholeBodyErrors(String body, int code) {
    RpcBodyException e =
        assertThrows(RpcBodyException.class, () -> parse(body == null ? "" : body));
    assertEquals(code, e.error().code().code(), e.error().message());
  }

  @Test
  void bodyOverTheLimitIsRefusedBeforeParsing() {
    byte[] big = new byte[5000];
    RpcBodyException e = assertThrows(RpcBodyException.class, () -> parser.parse(big, big.length));
    assertEquals(RpcErrorCode.BODY_TOO_LARGE, e.error().code());
    assertEquals(413, e.error().code().httpStatus());
  }

  @Test
  void longStringIsRefused() {
    String body =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":[\"" + "a".repeat(300) + "\"]}";
    RpcBodyException e = assertThrows(RpcBodyException.class, () -> parse(body));
    assertTrue(e.error().message().contains("string longer than 200"), e.error().message());
  }

  @Test
  void writerEscapesMessagesAndUsesRawIds() {
    byte[] out =
        RpcWriter.error("\"q\"".getBytes(), new RpcError(RpcErrorCode.INTERNAL_ERROR, "a\"b\nc"));
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"error\":{\"code\":-32603,\"message\":\"a\\\"b\\nc\"}}",
        s(out));
    assertArrayEquals("[1,2]".getBytes(), RpcWriter.batch(List.of("1".getBytes(), "2".getBytes())));
  }

  /**
   * Bytes Jackson decodes without complaint (overlong forms, surrogates, above U+10FFFF) and bytes
   * it refuses alike, inside params, method, id and any other string, are one parse error.
   */
  @ParameterizedTest
  @CsvSource({
    "c0 80",
    "ed a0 80",
    "f5 80 80 80",
    "f0 82 82 ac",
    "f4 90 80 80",
    "ff",
    "e2 82",
    "80",
    "c3"
  })
  void invalidUtf8AnywhereIsAParseError(String hex) {
    byte[] bad = java.util.HexFormat.ofDelimiter(" ").parseHex(hex);
    for (String[] around :
        new String[][] {
          {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":[\"a", "\"]}"},
          {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m", "\"}"},
          {"{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":\"", "\"}"},
          {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"x\":{\"k", "\":1}}"},
        }) {
      byte[] pre = around[0].getBytes(StandardCharsets.US_ASCII);
      byte[] post = around[1].getBytes(StandardCharsets.US_ASCII);
      byte[] body = new byte[pre.length + bad.length + post.length];
      System.arraycopy(pre, 0, body, 0, pre.length);
      System.arraycopy(bad, 0, body, pre.length, bad.length);
      System.arraycopy(post, 0, body, pre.length + bad.length, post.length);
      RpcBodyException e =
          assertThrows(RpcBodyException.class, () -> parser.parse(body, body.length), around[0]);
      assertEquals(RpcErrorCode.PARSE_ERROR, e.error().code());
    }
  }

  @Test
  void wellFormedUtf8OfEveryLengthIsAccepted() throws Exception {
    ParsedBody parsed =
        parse("{\"jsonrpc\":\"2.0\",\"id\":\"\u00e9\u20ac\ud83d\ude00\uffff\",\"method\":\"m\"}");
    assertInstanceOf(RpcCall.class, parsed.members().get(0));
  }
}
