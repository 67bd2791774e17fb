package dev.rpcshield.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The IT server's {@code messages.log} (JSON lines): the event-log lines a test caused. */
final class ServerLog {
  private static final Path MESSAGES =
      Path.of("target/liberty/wlp/usr/servers/rpcshieldIT/logs/messages.log");

  private ServerLog() {}

  /** How many lines the log has now: what a test skips to read only its own. */
  static long lines() throws IOException {
    try (Stream<String> lines = Files.lines(MESSAGES)) {
      return lines.count();
    }
  }

  /** The messages of the lines written after the first {@code skip}. */
  static List<String> messagesSince(long skip) throws IOException {
    ObjectMapper json = new ObjectMapper();
    try (Stream<String> lines = Files.lines(MESSAGES)) {
      List<String> out = new ArrayList<>();
      for (String line : lines.skip(skip).toList()) {
        out.add(json.readTree(line).path("message").asText());
      }
      return out;
    }
  }

  /** The refusal lines ({@code ext_event} {@code refusal}) written after the first {@code skip}. */
  static List<JsonNode> refusalsSince(long skip) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    try (Stream<String> lines = Files.lines(MESSAGES)) {
      for (String line : lines.skip(skip).toList()) {
        JsonNode l = json.readTree(line);
        if ("refusal".equals(l.path("ext_event").asText())) {
          out.add(l);
        }
      }
    }
    return out;
  }
}
