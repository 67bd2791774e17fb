package dev.rpcshield.jsonrpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Streaming JSON-RPC 2.0 parser. It validates the envelope of every member (jsonrpc, method, id,
 * params shape, duplicate keys) and records where each member, id and params sit in the client's
 * bytes; it never builds a tree, so forwarding costs one pass over the body.
 */
public final class RpcParser {
  private final ParseLimits limits;
  private final JsonFactory factory;

  public RpcParser(ParseLimits limits) {
    this.limits = limits;
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxDepth())
                    .maxNumberLength(limits.maxNumberLength())
                    .maxStringLength(limits.maxStringLength())
                    .build())
            // Jackson's default pool is per thread; a request's virtual thread is new, so its
            // buffers would be allocated afresh for every body.
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
            .build();
  }

  public ParseLimits limits() {
    return limits;
  }

  /** Parses {@code length} bytes of {@code body}. */
  public ParsedBody parse(byte[] body, int length) throws RpcBodyException {
    if (length > limits.maxBodyBytes()) {
      throw new RpcBodyException(
          RpcError.of(
              RpcErrorCode.BODY_TOO_LARGE, "body exceeds " + limits.maxBodyBytes() + " bytes"));
    }
    if (!Utf8.valid(body, length)) {
      throw new RpcBodyException(RpcError.of(RpcErrorCode.PARSE_ERROR, "body is not valid UTF-8"));
    }
    try (JsonParser p = factory.createParser(body, 0, length)) {
      JsonToken root = p.nextToken();
      ParsedBody parsed;
      if (root == null) {
        throw new RpcBodyException(RpcError.of(RpcErrorCode.PARSE_ERROR, "empty body"));
      } else if (root == JsonToken.START_ARRAY) {
        parsed = new ParsedBody(true, batch(p, body));
      } else if (root == JsonToken.START_OBJECT) {
        parsed = new ParsedBody(false, List.of(member(p, body)));
      } else {
        skipValue(p);
        parsed =
            new ParsedBody(
                false,
                List.of(
                    new InvalidMember(
                        null,
                        RpcError.of(RpcErrorCode.INVALID_REQUEST, "request must be an object"))));
      }
      if (p.nextToken() != null) {
        throw new RpcBodyException(
            RpcError.of(RpcErrorCode.PARSE_ERROR, "unexpected content after the JSON value"));
      }
      return parsed;
    } catch (StreamConstraintsException e) {
      throw new RpcBodyException(RpcError.of(RpcErrorCode.INVALID_REQUEST, limitMessage(e)));
    } catch (IOException e) {
      throw new RpcBodyException(RpcError.of(RpcErrorCode.PARSE_ERROR, "invalid JSON"));
    }
  }

  private List<Member> batch(JsonParser p, byte[] body) throws IOException, RpcBodyException {
    List<Member> members = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw new RpcBodyException(RpcError.of(RpcErrorCode.PARSE_ERROR, "unterminated batch"));
      }
      if (members.size() == limits.maxBatchSize()) {
        throw new RpcBodyException(
            RpcError.of(
                RpcErrorCode.BATCH_TOO_LARGE,
                "more than " + limits.maxBatchSize() + " requests in one batch"));
      }
      if (t == JsonToken.START_OBJECT) {
        members.add(member(p, body));
      } else {
        skipValue(p);
        members.add(
            new InvalidMember(
                null, RpcError.of(RpcErrorCode.INVALID_REQUEST, "batch member must be an object")));
      }
    }
    if (members.isEmpty()) {
      throw new RpcBodyException(RpcError.of(RpcErrorCode.INVALID_REQUEST, "empty batch"));
    }
    return members;
  }

  /** Reads one request object; the parser stands on its START_OBJECT. */
  private Member member(JsonParser p, byte[] body) throws IOException {
    int start = (int) p.currentTokenLocation().getByteOffset();
    Fields f = new Fields();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      if (!f.seen.add(name)) {
        f.problem("duplicate key \"" + name + "\"");
      }
      JsonToken v = p.nextToken();
      f.read(p, name, v, (int) p.currentTokenLocation().getByteOffset());
    }
    int end = (int) p.currentLocation().getByteOffset();
    byte[] rawId = f.idStart < 0 ? null : Arrays.copyOfRange(body, f.idStart, f.idEnd);
    if (!f.idValid) {
      return invalid(null, "id must be a string, a number or null");
    }
    if (!"2.0".equals(f.version)) {
      return invalid(rawId, "jsonrpc must be \"2.0\"");
    }
    if (!f.methodPresent) {
      return invalid(rawId, "method is missing");
    }
    if (f.method == null) {
      return invalid(rawId, "method must be a string");
    }
    if (f.problem != null) {
      return invalid(rawId, f.problem);
    }
    return new RpcCall(body, start, end, f.method, f.idStart, f.idEnd, f.paramsStart, f.paramsEnd);
  }

  /** What one request object's fields said, read in one pass; the first problem is kept. */
  private final class Fields {
    final Set<String> seen = new HashSet<>(8);
    String problem;
    boolean idValid = true;
    String version;
    String method;
    boolean methodPresent;
    int idStart = -1;
    int idEnd = -1;
    int paramsStart = -1;
    int paramsEnd = -1;

    void problem(String what) {
      problem = problem == null ? what : problem;
    }

    /** Reads the value of field {@code name}, whose first token {@code v} starts at offset. */
    void read(JsonParser p, String name, JsonToken v, int valueStart) throws IOException {
      switch (name) {
        case "jsonrpc" -> {
          version = v == JsonToken.VALUE_STRING ? p.getText() : null;
          p.skipChildren();
        }
        case "method" -> {
          methodPresent = true;
          if (v == JsonToken.VALUE_STRING) {
            method = p.getText();
          } else {
            p.skipChildren();
          }
        }
        case "id" -> {
          if (v == JsonToken.VALUE_STRING
              || v == JsonToken.VALUE_NUMBER_INT
              || v == JsonToken.VALUE_NUMBER_FLOAT
              || v == JsonToken.VALUE_NULL) {
            p.finishToken();
            idStart = valueStart;
            idEnd = (int) p.currentLocation().getByteOffset();
          } else {
            idValid = false;
            p.skipChildren();
          }
        }
        case "params" -> {
          if (v == JsonToken.START_ARRAY || v == JsonToken.START_OBJECT) {
            if (skipValue(p)) {
              problem("duplicate key inside params");
            }
            paramsStart = valueStart;
            paramsEnd = (int) p.currentLocation().getByteOffset();
          } else {
            problem("params must be an array or an object");
            p.skipChildren();
          }
        }
        default -> {
          if (skipValue(p)) {
            problem("duplicate key inside \"" + name + "\"");
          }
        }
      }
    }
  }

  private static InvalidMember invalid(byte[] rawId, String why) {
    return new InvalidMember(rawId, RpcError.of(RpcErrorCode.INVALID_REQUEST, why));
  }

  /**
   * Skips the current value like {@link JsonParser#skipChildren()}, but reads every string so the
   * length limit applies, and reports whether any object inside repeats a key: a node could read
   * such a value differently from the gateway.
   */
  private boolean skipValue(JsonParser p) throws IOException {
    ArrayDeque<Set<String>> objects = new ArrayDeque<>();
    boolean duplicate = false;
    int depth = 0;
    JsonToken t = p.currentToken();
    do {
      if (t == JsonToken.START_OBJECT) {
        objects.push(new HashSet<>());
        depth++;
      } else if (t == JsonToken.START_ARRAY) {
        objects.push(Set.of());
        depth++;
      } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        objects.pop();
        depth--;
      } else if (t == JsonToken.FIELD_NAME && !objects.peek().add(p.currentName())) {
        duplicate = true;
      } else if (t == JsonToken.VALUE_STRING && p.getTextLength() > limits.maxStringLength()) {
        throw new StreamConstraintsException("String value length exceeds the maximum");
      }
      if (depth == 0) {
        return duplicate;
      }
      t = p.nextToken();
    } while (t != null);
    throw new IOException("unterminated value");
  }

  private String limitMessage(StreamConstraintsException e) {
    String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (message.contains("nesting depth")) {
      return "JSON nesting deeper than " + limits.maxDepth();
    }
    if (message.contains("Number value length")) {
      return "number longer than " + limits.maxNumberLength() + " characters";
    }
    if (message.contains("String value length")) {
      return "string longer than " + limits.maxStringLength() + " characters";
    }
    return "request exceeds a parse limit";
  }
}
