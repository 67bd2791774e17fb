package dev.rpcshield.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A second reading of JSON bytes, as a tree, for fuzz tests to check the gateway's streaming
 * readers against. It answers only for text both read the same way: valid UTF-8 without a repeated
 * key (a streaming reader and a tree disagree on which of two values counts), within bounds looser
 * than any reader under test.
 */
public final class StrictJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(1000)
                          .maxNumberLength(20_000)
                          .maxStringLength(Integer.MAX_VALUE)
                          .build())
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private StrictJson() {}

  /**
   * The tree of {@code bytes}, or empty when they are not valid UTF-8 or repeat a key in an object.
   *
   * @throws IOException when they are valid UTF-8 without repeated keys but not one JSON value
   */
  public static Optional<JsonNode> tree(byte[] bytes) throws IOException {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(MAPPER.readTree(bytes));
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("Duplicate field")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The tree of bytes that the caller knows to be one JSON value. */
  public static JsonNode value(byte[] bytes) throws IOException {
    return MAPPER.readTree(bytes);
  }
}
