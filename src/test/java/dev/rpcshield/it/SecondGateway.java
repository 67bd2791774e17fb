package dev.rpcshield.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * A second gateway instance, as a fleet behind a load balancer would have: another Liberty server
 * made from the test server's configuration, on port 18546, sharing its Redis. Started once per
 * test JVM, stopped at exit.
 */
public final class SecondGateway {
  public static final int PORT = 18546;
  private static SecondGateway instance;
  private final LibertyServer server = new LibertyServer("rpcshieldIT2", PORT);

  private SecondGateway() {
    try {
      server.start(Files.readAllLines(server.testServerDir().resolve("server.env")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
  }

  public static synchronized SecondGateway get() {
    if (instance == null) {
      instance = new SecondGateway();
    }
    return instance;
  }

  public Gateway client() {
    return server.client();
  }
}
