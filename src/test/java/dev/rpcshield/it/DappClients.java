package dev.rpcshield.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** viem's and ethers' own JSON-RPC clients (installed from npm by the build), run by Node.js. */
final class DappClients {
  private static final Path TOOLS = Path.of(System.getProperty("it.tools.dir", "target/it-tools"));

  private DappClients() {}

  /**
   * Sends each of {@code calls} (a JSON array of {@code [method, params]}) once through each client
   * to {@code url}; what each saw, as {@code {viem: [...], ethers: [...]}}, one entry per call: its
   * {@code result}, or the error's {@code code} and {@code message}.
   */
  static JsonNode run(String url, String calls) throws IOException, InterruptedException {
    return run(url, calls, null);
  }

  /** As {@link #run(String, String)}, both clients sending {@code authorization} when not null. */
  static JsonNode run(String url, String calls, String authorization)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "node",
                Path.of("src/test/js/dapp-calls.mjs").toString(),
                TOOLS.resolve("node_modules").toAbsolutePath().toString(),
                url,
                calls));
    if (authorization != null) {
      command.add(authorization);
    }
    Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = node.getInputStream().readAllBytes();
    assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the clients finish");
    String printed = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, node.exitValue(), printed);
    return Gateway.JSON.readTree(printed.lines().reduce((a, b) -> b).orElse("{}"));
  }
}
