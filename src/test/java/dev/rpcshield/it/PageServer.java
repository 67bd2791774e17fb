package dev.rpcshield.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A web page on another origin than the gateway (another loopback port), as a dApp's site would be:
 * its script calls the gateway with {@code fetch} and writes what it saw into {@code #result}.
 */
final class PageServer implements AutoCloseable {
  /** The page: calls {@code ?gateway=} with {@code ?body=} and optional {@code ?key=} header. */
  private static final String PAGE =
      """
      <!doctype html>
      <html><head><meta charset="utf-8"><title>dApp</title></head><body>
      <pre id="result"></pre>
      <script>
      const q = new URLSearchParams(location.search);
      const headers = {"content-type": "application/json"};
      if (q.get("key")) { headers["x-api-key"] = q.get("key"); }
      fetch(q.get("gateway"), {method: "POST", headers, body: q.get("body")})
        .then(async r => {
          const text = await r.text();
          document.getElementById("result").textContent = JSON.stringify({
            status: r.status,
            retryAfter: r.headers.get("Retry-After"),
            remaining: r.headers.get("X-RateLimit-Remaining"),
            body: JSON.parse(text)});
        })
        .catch(e => { document.getElementById("result").textContent = "failed: " + e.name; });
      </script>
      </body></html>
      """;

  private final HttpServer server;

  PageServer(int port) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          byte[] page = PAGE.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, page.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(page);
          }
        });
    server.start();
  }

  /** This page's origin, as the browser sends it. */
  String origin() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  URI page() {
    return URI.create(origin() + "/dapp.html");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
