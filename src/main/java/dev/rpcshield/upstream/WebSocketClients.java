package dev.rpcshield.upstream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.http.HttpClient;

/**
 * The one java.net.http client this gateway opens its upstream WebSocket connections with, so every
 * network's connection shares its selector thread, which stops with the application. Its executor
 * runs each task where it is handed over: what an upstream sends is read, dispatched and its answer
 * completed on the selector thread, with no hand-off to a pool thread per message (which cost calls
 * over a WebSocket more than their HTTP exchange saved: bench/results/2026-12-06-ws-calls-ab.md).
 * As on the HTTP clients' I/O threads, a completed call's way back runs there: its answer is
 * written to an HTTP client from there when it is small (up to 64 KiB; larger ones from a virtual
 * thread), and a Redis response cache stores it there.
 */
@ApplicationScoped
public class WebSocketClients {

  @Produces
  @Singleton
  HttpClient client() {
    return HttpClient.newBuilder().executor(Runnable::run).build();
  }

  void shutDown(@Disposes HttpClient client) {
    client.shutdownNow();
  }
}
