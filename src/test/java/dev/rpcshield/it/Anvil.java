package dev.rpcshield.it;

import dev.rpcshield.testing.Eventually;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A real anvil node (installed from npm by the build) on a fixed loopback port. */
public final class Anvil implements AutoCloseable {
  private final int port;
  private final long chainId;
  private final List<String> extra;
  private Process process;

  /**
   * A node with anvil's defaults and {@code extra} arguments (e.g. {@code --slots-in-an-epoch}).
   */
  public Anvil(int port, long chainId, String... extra) {
    this.port = port;
    this.chainId = chainId;
    this.extra = List.of(extra);
  }

  static Path binary() {
    Path tools = Path.of(System.getProperty("it.tools.dir", "target/it-tools"));
    Path bin = tools.resolve("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException("anvil not installed at " + bin + " (run mvn verify)");
    }
    return bin;
  }

  public synchronized Anvil start() {
    if (process != null && process.isAlive()) {
      return this;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(binary().toString());
    cmd.addAll(List.of("--port", String.valueOf(port), "--chain-id", String.valueOf(chainId)));
    cmd.addAll(List.of("--host", "127.0.0.1", "--silent"));
    cmd.addAll(extra);
    try {
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start anvil", e);
    }
    Process started = process;
    Eventually.within(Duration.ofSeconds(20), "anvil on port " + port + " starts")
        .until(() -> {
          try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
          } catch (IOException notYet) {
            if (!started.isAlive()) {
              throw new IllegalStateException("anvil on port " + port + " exited: port taken?");
            }
            return false;
          }
        });
    return this;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public long chainId() {
    return chainId;
  }

  /** Kills the node at once, as a crash would. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    kill();
  }
}
