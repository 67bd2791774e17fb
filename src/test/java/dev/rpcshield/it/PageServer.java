package dev.rpcshield.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A web page on another origin than the gateway (another loopback port), as a dApp's site would be:
 * its script calls the gateway with {@code fetch} and writes what it saw into {@code #result}.
 */
final class PageServer implements AutoCloseable {
  /**
   * The page: calls {@code ?gateway=} with {@code ?body=} and optional {@code ?key=} header; with
   * {@code ?client=ethers}, asks ethers' {@code JsonRpcProvider} for the chain id and block number.
   */
  private static final String PAGE =
      """
      <!doctype html>
      <html><head><meta charset="utf-8"><title>dApp</title></head><body>
      <pre id="result"></pre>
      <script src="/ethers.umd.min.js"></script>
      <script>
      const q = new URLSearchParams(location.search);
      const show = v => { document.getElementById("result").textContent = v; };
      if (q.get("client") === "ethers") {
        const provider = new ethers.JsonRpcProvider(q.get("gateway"));
        Promise.all([provider.send("eth_chainId", []), provider.getBlockNumber()])
          .then(([chainId, block]) => show(JSON.stringify({chainId, block})))
          .catch(e => show("failed: " + e.message))
          .finally(() => provider.destroy());
      } else {
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
      }
      </script>
      </body></html>
      """;

  /** ethers' browser bundle, installed from npm with anvil (pom.xml, install-anvil). */
  private static final Path ETHERS =
      Path.of(
          System.getProperty("it.tools.dir", "target/it-tools"),
          "node_modules/ethers/dist/ethers.umd.min.js");

  private final HttpServer server;

  PageServer(int port) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/ethers.umd.min.js",
        exchange -> {
          byte[] script = Files.readAllBytes(ETHERS);
          exchange.getResponseHeaders().set("Content-Type", "text/javascript");
          exchange.sendResponseHeaders(200, script.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(script);
          }
        });
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
