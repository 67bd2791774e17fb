package dev.rpcshield.jsonrpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An upstream's answer to a request or batch the gateway sent with its own numeric ids, read in one
 * streaming pass: where each response object sits, its id, and its error code and message if it is
 * an error. The bytes are kept so a response can go back to the client with only its id swapped.
 */
public final class UpstreamReply {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(512)
                  .maxStringLength(Integer.MAX_VALUE)
                  .maxNumberLength(10_000)
                  .build())
          // Jackson's default pool is per thread; a request's virtual thread is new, so its
          // buffers would be allocated afresh for every body.
          .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
          .build();

  /**
   * One response object.
   *
   * @param id the gateway id it answers, or {@code null} when it has none (or a non-numeric one)
   * @param errorCode the JSON-RPC error code when this is an error response
   * @param errorMessage the error message when this is an error response
   * @param resultStart offset of the result value, or -1 for an error response
   */
  public record Answer(
      Long id,
      boolean isError,
      Integer errorCode,
      String errorMessage,
      int start,
      int end,
      int idStart,
      int idEnd,
      int resultStart,
      int resultEnd) {}

  private final byte[] body;
  private final boolean array;
  private final List<Answer> answers;

  private UpstreamReply(byte[] body, boolean array, List<Answer> answers) {
    this.body = body;
    this.array = array;
    this.answers = answers;
  }

  /**
   * Reads an upstream body.
   *
   * @throws IOException when it is not JSON, not a response object or array of them, or has a
   *     response object with neither result nor error
   */
  public static UpstreamReply read(byte[] body) throws IOException {
    try (JsonParser p = FACTORY.createParser(body)) {
      JsonToken root = p.nextToken();
      List<Answer> answers = new ArrayList<>();
      boolean array;
      if (root == JsonToken.START_OBJECT) {
        array = false;
        answers.add(answer(p));
      } else if (root == JsonToken.START_ARRAY) {
        array = true;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
          answers.add(answer(p));
        }
        if (t != JsonToken.END_ARRAY) {
          throw new IOException("batch answer holds a non-object");
        }
      } else {
        throw new IOException(root == null ? "empty body" : "not a JSON-RPC response");
      }
      if (p.nextToken() != null) {
        throw new IOException("content after the response");
      }
      return new UpstreamReply(body, array, answers);
    }
  }

  private static Answer answer(JsonParser p) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    Long id = null;
    int idStart = -1;
    int idEnd = -1;
    boolean hasResult = false;
    boolean hasError = false;
    int resultStart = -1;
    int resultEnd = -1;
    Integer code = null;
    String message = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "id" -> {
          idStart = (int) p.currentTokenLocation().getByteOffset();
          if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.LONG
              || v == JsonToken.VALUE_NUMBER_INT
                  && p.getNumberType() == JsonParser.NumberType.INT) {
            id = p.getLongValue();
          }
          p.finishToken();
          p.skipChildren();
          idEnd = (int) p.currentLocation().getByteOffset();
        }
        case "result" -> {
          hasResult = true;
          resultStart = (int) p.currentTokenLocation().getByteOffset();
          p.finishToken();
          p.skipChildren();
          resultEnd = (int) p.currentLocation().getByteOffset();
        }
        case "error" -> {
          if (v == JsonToken.START_OBJECT) {
            hasError = true;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              JsonToken ev = p.nextToken();
              if ("code".equals(field) && ev == JsonToken.VALUE_NUMBER_INT) {
                code = p.getIntValue();
              } else if ("message".equals(field) && ev == JsonToken.VALUE_STRING) {
                message = p.getText();
              } else {
                p.skipChildren();
              }
            }
          } else if (v != JsonToken.VALUE_NULL) {
            throw new IOException("error member is not an object");
          }
        }
        default -> p.skipChildren();
      }
    }
    int end = (int) p.currentLocation().getByteOffset();
    if (!hasResult && !hasError) {
      throw new IOException("response object has neither result nor error");
    }
    return new Answer(
        id, hasError, code, message, start, end, idStart, idEnd, resultStart, resultEnd);
  }

  /** Whether the upstream answered with an array. */
  public boolean isArray() {
    return array;
  }

  public List<Answer> answers() {
    return answers;
  }

  /** The answer's result value as JSON text, or {@code null} for an error response. */
  public String resultJson(Answer answer) {
    if (answer.resultStart() < 0) {
      return null;
    }
    return new String(
        body,
        answer.resultStart(),
        answer.resultEnd() - answer.resultStart(),
        StandardCharsets.UTF_8);
  }

  /**
   * A streaming parser over the answer's result value, positioned before it; {@code null} for an
   * error response. The caller closes it.
   */
  public JsonParser resultParser(Answer answer) throws IOException {
    if (answer.resultStart() < 0) {
      return null;
    }
    return FACTORY.createParser(
        body, answer.resultStart(), answer.resultEnd() - answer.resultStart());
  }

  /** The answer's bytes with its id replaced by the client's raw id (or {@code null}). */
  public byte[] withClientId(Answer answer, byte[] clientRawId) {
    byte[] id = clientRawId == null ? "null".getBytes(StandardCharsets.US_ASCII) : clientRawId;
    if (answer.idStart() < 0) {
      byte[] prefix = "{\"id\":".getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[prefix.length + id.length + 1 + (answer.end() - answer.start() - 1)];
      System.arraycopy(prefix, 0, out, 0, prefix.length);
      System.arraycopy(id, 0, out, prefix.length, id.length);
      out[prefix.length + id.length] = ',';
      System.arraycopy(
          body,
          answer.start() + 1,
          out,
          prefix.length + id.length + 1,
          answer.end() - answer.start() - 1);
      return out;
    }
    int head = answer.idStart() - answer.start();
    int tail = answer.end() - answer.idEnd();
    byte[] out = new byte[head + id.length + tail];
    System.arraycopy(body, answer.start(), out, 0, head);
    System.arraycopy(id, 0, out, head, id.length);
    System.arraycopy(body, answer.idEnd(), out, head + id.length, tail);
    return out;
  }
}
