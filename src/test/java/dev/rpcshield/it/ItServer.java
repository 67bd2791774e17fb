package dev.rpcshield.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Lays out the Liberty server the integration tests run ({@code rpcshieldIT}): the product's {@code
 * liberty/server.xml}, the test environment in {@code src/test/liberty/server.env} (upstreams the
 * tests start, short timeouts), and the JDBC drivers. Run by the build before the tests; Arquillian
 * then starts it and deploys the WAR.
 */
public final class ItServer {
  private ItServer() {}

  public static void main(String[] args) throws IOException {
    Path server = Path.of("target/liberty/wlp/usr/servers/rpcshieldIT");
    Files.createDirectories(server.resolve("lib/jdbc"));
    Files.copy(
        Path.of("liberty/server.xml"),
        server.resolve("server.xml"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        Path.of("src/test/liberty/server.env"),
        server.resolve("server.env"),
        StandardCopyOption.REPLACE_EXISTING);
    try (Stream<Path> drivers = Files.list(Path.of("target/it-tools/jdbc"))) {
      for (Path d : drivers.toList()) {
        Files.copy(
            d,
            server.resolve("lib/jdbc").resolve(d.getFileName()),
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
