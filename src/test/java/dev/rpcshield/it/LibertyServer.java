package dev.rpcshield.it;

import dev.rpcshield.testing.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Liberty server of the tests' own, beside the one Arquillian runs: laid out like the test server
 * (its server.xml and JDBC drivers) with an environment of its own, the WAR in dropins, started and
 * waited for until ready, on a loopback port.
 */
final class LibertyServer {
  private static final Map<Integer, String> NAMES = new ConcurrentHashMap<>();
  private final Path wlp = Path.of(System.getProperty("it.wlp.home", "target/liberty/wlp"));
  private final String name;
  private final int port;
  private final Path dir;

  LibertyServer(String name, int port) {
    this.name = name;
    this.port = port;
    this.dir = wlp.resolve("usr/servers").resolve(name);
    NAMES.put(port, name);
  }

  /** The name of the server on {@code port}: one of these, else the test server Arquillian runs. */
  static String nameOn(int port) {
    return NAMES.getOrDefault(port, "rpcshieldIT");
  }

  /** The test server's directory, which the build lays out before the tests (ItServer). */
  Path testServerDir() {
    return wlp.resolve("usr/servers/rpcshieldIT");
  }

  Path dir() {
    return dir;
  }

  /**
   * Replaces the server's file at {@code relative} (such as {@code
   * configDropins/overrides/live.xml}) with {@code content} in one move, as an editor saving it
   * would, so the server never reads half of it.
   */
  void replace(String relative, String content) {
    Path file = dir.resolve(relative);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(tmp, content);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Gateway client() {
    return Gateway.at(uri());
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Lays the server out afresh with {@code env} as its server.env (any HTTP_PORT in it replaced by
   * this server's port, OPS_PORT and OPS_HOST by its ops port on 127.0.0.1) and starts it; returns
   * once /health/ready answers 200.
   */
  void start(List<String> env) {
    start(env, Map.of());
  }

  /**
   * As {@link #start(List)}, with {@code files} (paths relative to the server's directory, such as
   * {@code configDropins/overrides/live.xml}) written before it starts.
   */
  void start(List<String> env, Map<String, String> files) {
    try {
      create(env);
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path file = dir.resolve(f.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, f.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run("start");
    awaitReady();
  }

  void stop() {
    run("stop");
  }

  private void create(List<String> env) throws IOException {
    if (Files.exists(dir)) {
      run("stop");
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Path first = testServerDir();
    Files.createDirectories(dir.resolve("dropins"));
    Files.copy(first.resolve("server.xml"), dir.resolve("server.xml"));
    Files.createDirectories(dir.resolve("lib/jdbc"));
    try (Stream<Path> drivers = Files.list(first.resolve("lib/jdbc"))) {
      for (Path d : drivers.toList()) {
        Files.copy(d, dir.resolve("lib/jdbc").resolve(d.getFileName()));
      }
    }
    Files.write(
        dir.resolve("server.env"),
        Stream.concat(
                env.stream().filter(l -> !l.startsWith("HTTP_PORT=") && !l.startsWith("OPS_")),
                Stream.of(
                    "HTTP_PORT=" + port, "OPS_PORT=" + Gateway.opsPort(port), "OPS_HOST=127.0.0.1"))
            .toList());
    Path war = Path.of(System.getProperty("it.war", "target/rpcshield.war"));
    Files.copy(war, dir.resolve("dropins/rpcshield.war"), StandardCopyOption.REPLACE_EXISTING);
  }

  private void run(String action) {
    ProcessBuilder server =
        new ProcessBuilder(wlp.resolve("bin/server").toString(), action, name)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    // Only server.env configures the gateway: none of this JVM's RPCSHIELD_* variables.
    server.environment().keySet().removeIf(k -> k.startsWith("RPCSHIELD_"));
    try {
      // `server start` returns once the server has started, `stop` once it has stopped; a server
      // that hangs must fail the test that started it, not the whole build's time.
      Process p = server.start();
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("server " + action + " " + name + " took over 3 min");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + Gateway.opsPort(port) + "/health/ready"))
            .timeout(Duration.ofSeconds(5))
            .build();
    Eventually.within(Duration.ofSeconds(120), name + " ready; see " + dir.resolve("logs"))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(() -> http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
  }
}
