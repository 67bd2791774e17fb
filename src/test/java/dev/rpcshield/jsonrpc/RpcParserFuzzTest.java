package dev.rpcshield.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rpcshield.testing.StrictJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Any client body either parses or is refused with {@link RpcBodyException}, and what parses points
 * into the client's bytes exactly: the gateway forwards those slices and sends ids back as sent, so
 * an offset one byte off would forward a request other than the one it checked. Where the body is
 * text a tree reads the same way, each member's verdict and slices are checked against that tree.
 */
class RpcParserFuzzTest {
  /** Small limits, so that short inputs reach every limit's refusal. */
  private static final RpcParser PARSER = new RpcParser(new ParseLimits(2048, 4, 6, 20, 64));

  @FuzzTest(maxDuration = "10s", maxExecutions = 200_000)
  void anyBodyParsesOrIsRefused(byte[] body) throws IOException {
    ParsedBody parsed;
    try {
      parsed = PARSER.parse(body, body.length);
    } catch (RpcBodyException e) {
      assertNotNull(e.error());
      assertEquals(e.error(), refusal(padded(body), body.length));
      return;
    }
    assertEquals(
        describe(parsed), reparsedWithinLength(body), "bytes past the length changed the parse");
    assertFalse(parsed.members().isEmpty());
    assertTrue(parsed.batch() || parsed.members().size() == 1);
    int from = 0;
    for (Member member : parsed.members()) {
      if (member instanceof RpcCall call) {
        from = sliceEnd(call.rawBytes(), body, from);
        checkSlices(call);
      } else {
        InvalidMember invalid = (InvalidMember) member;
        assertEquals(RpcErrorCode.INVALID_REQUEST, invalid.error().code());
      }
    }
    Optional<JsonNode> tree = StrictJson.tree(body);
    if (tree.isPresent()) {
      checkAgainstTree(parsed, tree.get());
    }
  }

  /** The body followed by bytes that would break it, were they read. */
  private static byte[] padded(byte[] body) {
    byte[] out = Arrays.copyOf(body, body.length + 3);
    out[body.length] = '}';
    out[body.length + 1] = ']';
    out[body.length + 2] = '"';
    return out;
  }

  private static RpcError refusal(byte[] buffer, int length) {
    try {
      PARSER.parse(buffer, length);
    } catch (RpcBodyException e) {
      return e.error();
    }
    return null;
  }

  /** What the parse of the body says when it lies inside a larger buffer. */
  private static List<String> reparsedWithinLength(byte[] body) {
    try {
      return describe(PARSER.parse(padded(body), body.length));
    } catch (RpcBodyException e) {
      return List.of(e.error().toString());
    }
  }

  /** Each member's verdict, method and bytes, comparable across two parses. */
  private static List<String> describe(ParsedBody parsed) {
    List<String> out = new ArrayList<>(List.of("batch " + parsed.batch()));
    for (Member m : parsed.members()) {
      out.add(
          switch (m) {
            case RpcCall call -> call.method() + " " + hex(call.rawBytes());
            case InvalidMember invalid -> invalid.error() + " " + hex(invalid.rawId());
          });
    }
    return out;
  }

  private static String hex(byte[] bytes) {
    return bytes == null ? "null" : HexFormat.of().formatHex(bytes);
  }

  /** Where {@code part} ends in {@code body}, found at or after {@code from}; fails if absent. */
  private static int sliceEnd(byte[] part, byte[] body, int from) {
    for (int i = from; i + part.length <= body.length; i++) {
      if (Arrays.equals(part, 0, part.length, body, i, i + part.length)) {
        return i + part.length;
      }
    }
    throw new AssertionError("a request is not a slice of the body, in order");
  }

  private static void checkSlices(RpcCall call) {
    byte[] raw = call.rawBytes();
    assertEquals(raw.length, call.size());
    assertEquals('{', raw[0]);
    assertEquals('}', raw[raw.length - 1]);
    byte[] params = call.rawParams();
    if (params != null) {
      sliceEnd(params, raw, 0);
      assertTrue(params[0] == '[' || params[0] == '{');
    }
    byte[] rawId = call.rawId();
    assertEquals(rawId == null, call.isNotification());
    if (rawId != null) {
      sliceEnd(rawId, raw, 0);
      assertFalse(isJsonSpace(rawId[0]) || isJsonSpace(rawId[rawId.length - 1]));
    }
  }

  private static boolean isJsonSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  private static void checkAgainstTree(ParsedBody parsed, JsonNode root) throws IOException {
    List<JsonNode> requests = parsed.batch() ? asList(root) : List.of(root);
    assertEquals(root.isArray(), parsed.batch());
    assertEquals(requests.size(), parsed.members().size());
    for (int i = 0; i < requests.size(); i++) {
      JsonNode request = requests.get(i);
      Member member = parsed.members().get(i);
      assertEquals(isValidRequest(request), member instanceof RpcCall, "verdict on " + request);
      if (member instanceof RpcCall call) {
        checkCall(call, (ObjectNode) request);
      } else if (request.isObject() && request.has("id") && validId(request.get("id"))) {
        assertEquals(request.get("id"), StrictJson.value(member.rawId()));
      } else {
        assertNull(member.rawId());
      }
    }
  }

  private static List<JsonNode> asList(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).toList();
  }

  private static boolean isValidRequest(JsonNode r) {
    return r.isObject()
        && "2.0".equals(r.path("jsonrpc").textValue())
        && r.path("method").isTextual()
        && validId(r.get("id"))
        && (!r.has("params") || r.get("params").isContainerNode());
  }

  private static boolean validId(JsonNode id) {
    return id == null || id.isTextual() || id.isNumber() || id.isNull();
  }

  private static void checkCall(RpcCall call, ObjectNode request) throws IOException {
    assertEquals(request, StrictJson.value(call.rawBytes()));
    assertEquals(request.get("method").textValue(), call.method());
    if (request.has("id")) {
      assertEquals(request.get("id"), StrictJson.value(call.rawId()));
    }
    if (request.has("params")) {
      assertEquals(request.get("params"), StrictJson.value(call.rawParams()));
    } else {
      assertNull(call.rawParams());
    }
    JsonNode first = request.path("params").path(0);
    assertEquals(
        request.path("params").isArray() && first.isTextual() ? first.textValue() : null,
        call.firstStringParam());
    ObjectNode renumbered = request.deepCopy();
    renumbered.put("id", 7);
    assertEquals(renumbered, assertInstanceOf(ObjectNode.class, StrictJson.value(call.withId(7))));
  }
}
