package dev.rpcshield.upstream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.http.HttpClient;

/**
 * The one java.net.http client this gateway opens its upstream WebSocket connections with, so every
 * network's connection shares its selector thread and executor, which stop with the application.
 */
@ApplicationScoped
public class WebSocketClients {

  @Produces
  @Singleton
  HttpClient client() {
    return HttpClient.newHttpClient();
  }

  void shutDown(@Disposes HttpClient client) {
    client.shutdownNow();
  }
}
