package dev.rpcshield.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rpcshield.testing.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Any upstream body is read or refused with an {@link IOException} (the gateway then fails over),
 * and what is read points into the upstream's bytes exactly: an answer goes back to its client as
 * those bytes with only the id swapped. Where the body is text a tree reads the same way, the
 * answers are checked against that tree.
 */
class UpstreamReplyFuzzTest {
  private static final byte[] CLIENT_ID = "\"client-7\"".getBytes(StandardCharsets.US_ASCII);

  @FuzzTest(maxDuration = "10s", maxExecutions = 200_000)
  void anyBodyIsReadOrRefused(byte[] body) throws IOException {
    UpstreamReply reply;
    try {
      reply = UpstreamReply.read(body);
    } catch (IOException e) {
      return;
    }
    List<UpstreamReply.Answer> answers = reply.answers();
    assertTrue(reply.isArray() || answers.size() == 1, "a single answer read as several");
    int previousEnd = 0;
    for (UpstreamReply.Answer a : answers) {
      assertTrue(previousEnd <= a.start() && a.start() < a.end() && a.end() <= body.length);
      assertEquals('{', body[a.start()]);
      assertEquals('}', body[a.end() - 1]);
      assertTrue(a.idStart() < 0 || a.start() < a.idStart() && a.idEnd() < a.end());
      assertTrue(a.resultStart() < 0 || a.start() < a.resultStart() && a.resultEnd() < a.end());
      assertTrue(a.isError() || a.resultStart() >= 0, "an answer with neither result nor error");
      previousEnd = a.end();
    }
    Optional<JsonNode> tree = StrictJson.tree(body);
    if (tree.isPresent()) {
      checkAgainstTree(reply, tree.get());
    }
  }

  private static void checkAgainstTree(UpstreamReply reply, JsonNode root) throws IOException {
    List<JsonNode> objects =
        root.isArray() ? StreamSupport.stream(root.spliterator(), false).toList() : List.of(root);
    assertEquals(root.isArray(), reply.isArray());
    assertEquals(objects.size(), reply.answers().size(), "answers counted wrong");
    for (int i = 0; i < objects.size(); i++) {
      ObjectNode object = (ObjectNode) objects.get(i);
      UpstreamReply.Answer a = reply.answers().get(i);
      JsonNode id = object.get("id");
      boolean numericId = id != null && id.isIntegralNumber() && id.canConvertToLong();
      assertEquals(numericId ? id.longValue() : null, a.id(), "id of " + object);
      JsonNode error = object.path("error");
      assertEquals(error.isObject(), a.isError());
      if (error.isObject()) {
        JsonNode message = error.path("message");
        assertEquals(message.isTextual() ? message.textValue() : null, a.errorMessage());
        JsonNode code = error.path("code");
        assertEquals(code.isIntegralNumber() ? code.intValue() : null, a.errorCode());
      }
      String result = reply.resultJson(a);
      if (object.has("result")) {
        assertEquals(
            object.get("result"), StrictJson.value(result.getBytes(StandardCharsets.UTF_8)));
      } else {
        assertNull(result);
      }
      ObjectNode forClient = object.deepCopy();
      forClient.set("id", TextNode.valueOf("client-7"));
      assertEquals(forClient, StrictJson.value(reply.withClientId(a, CLIENT_ID)));
      forClient.putNull("id");
      assertEquals(forClient, StrictJson.value(reply.withClientId(a, null)));
    }
  }
}
