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
import java.util.stream.Stream;

/**
 * A second gateway instance, as a fleet behind a load balancer would have: another Liberty server
 * made from the test server's configuration, on port 18546, sharing its Redis. Started once per
 * test JVM, stopped at exit.
 */
public final class SecondGateway {
  public static final int PORT = 18546;
  private static SecondGateway instance;
  private final Path wlp = Path.of(System.getProperty("it.wlp.home", "target/liberty/wlp"));
  private final Path dir = wlp.resolve("usr/servers/rpcshieldIT2");

  private SecondGateway() {
    try {
      create();
      run("start");
      awaitReady();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> run("stop")));
  }

  public static synchronized SecondGateway get() {
    if (instance == null) {
      instance = new SecondGateway();
    }
    return instance;
  }

  public Gateway client() {
    return Gateway.at(URI.create("http://127.0.0.1:" + PORT));
  }

  private void create() throws IOException {
    if (Files.exists(dir)) {
      run("stop");
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Path first = wlp.resolve("usr/servers/rpcshieldIT");
    Files.createDirectories(dir.resolve("dropins"));
    Files.copy(first.resolve("server.xml"), dir.resolve("server.xml"));
    Files.createDirectories(dir.resolve("lib/jdbc"));
    try (Stream<Path> drivers = Files.list(first.resolve("lib/jdbc"))) {
      for (Path d : drivers.toList()) {
        Files.copy(d, dir.resolve("lib/jdbc").resolve(d.getFileName()));
      }
    }
    List<String> env = Files.readAllLines(first.resolve("server.env"));
    Files.write(
        dir.resolve("server.env"),
        env.stream().map(l -> l.startsWith("HTTP_PORT=") ? "HTTP_PORT=" + PORT : l).toList());
    Path war = Path.of(System.getProperty("it.war", "target/rpcshield.war"));
    Files.copy(war, dir.resolve("dropins/rpcshield.war"), StandardCopyOption.REPLACE_EXISTING);
  }

  private void run(String action) {
    try {
      Process p =
          new ProcessBuilder(wlp.resolve("bin/server").toString(), action, "rpcshieldIT2")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/health/ready")).build();
    Eventually.within(Duration.ofSeconds(120), "second gateway ready; see " + dir.resolve("logs"))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(() -> http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
  }
}
