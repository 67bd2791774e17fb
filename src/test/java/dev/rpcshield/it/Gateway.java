package dev.rpcshield.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.testing.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A plain java.net.http client for the gateway under test. */
public final class Gateway {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final int OPS_PORT_OFFSET = 1000;
  private final URI base;
  private final HttpClient client;

  /** The response as the client saw it. */
  public record Response(int status, String body, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  public Gateway() {
    this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  private Gateway(HttpClient client) {
    this(URI.create("http://127.0.0.1:" + Integer.getInteger("it.http.port", 18545)), client);
  }

  private Gateway(URI base, HttpClient client) {
    this.base = base;
    this.client = client;
  }

  /** A client of a gateway at another address (a second instance). */
  public static Gateway at(URI base) {
    return new Gateway(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  /** A client that talks to a node directly, bypassing the gateway (to mine, or to compare). */
  public static Gateway direct(Anvil node) {
    return new Gateway(URI.create(node.url()), HttpClient.newHttpClient());
  }

  /** A client whose connections come from the given loopback address (e.g. 127.0.0.2). */
  public static Gateway from(String localAddress) {
    return new Gateway(HttpClient.newBuilder().localAddress(loopback(localAddress)).build());
  }

  /** A client of a gateway at another address, its connections from {@code localAddress}. */
  public static Gateway at(URI base, String localAddress) {
    return new Gateway(
        base,
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .localAddress(loopback(localAddress))
            .build());
  }

  private static InetAddress loopback(String address) {
    try {
      return InetAddress.getByName(address);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Response post(String body, String... headers) {
    return postTo("/", body, headers);
  }

  public Response postTo(String path, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b.build());
  }

  public Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r);
    } catch (java.net.http.HttpTimeoutException e) {
      throw new UncheckedIOException(
          new IOException(
              request.method()
                  + " "
                  + request.uri()
                  + " timed out; "
                  + ThreadDumps.of(request.uri().getPort()),
              e));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public URI base() {
    return base;
  }

  /** The port of the ops endpoint (metrics and health) of the gateway on {@code port}. */
  static int opsPort(int port) {
    return port + OPS_PORT_OFFSET;
  }

  /**
   * GET {@code path} (such as {@code /health/ready} or {@code /metrics}) on this gateway's ops
   * endpoint, which every test server has {@value #OPS_PORT_OFFSET} ports above its JSON-RPC one.
   */
  public Response ops(String path) {
    return send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + opsPort(base.getPort())).resolve(path))
            .GET()
            .build());
  }

  /**
   * The sum of the gateway's application metric samples whose name and labels {@code series} (a
   * regular expression) matches; 0 when none does.
   */
  public double metricSum(String series) {
    String metrics = ops("/metrics?scope=application").body();
    Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(metrics);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  /** Calls a method and returns its result, failing on any error. */
  /**
   * A transaction's receipt, waited for: anvil can answer null for a moment after it accepted the
   * transaction, before the block that mines it is in place.
   */
  public JsonNode receipt(String hash) {
    AtomicReference<JsonNode> receipt = new AtomicReference<>();
    Eventually.within(Duration.ofSeconds(10), "a receipt for " + hash)
        .until(() -> {
          JsonNode r = call("eth_getTransactionReceipt", "[\"" + hash + "\"]");
          receipt.set(r);
          return r != null && !r.isNull();
        });
    return receipt.get();
  }

  public JsonNode call(String method, String paramsJson) {
    Response r =
        post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\""
                + method
                + "\",\"params\":"
                + paramsJson
                + "}");
    JsonNode json = r.json();
    if (r.status() != 200 || json.has("error")) {
      throw new AssertionError(method + " failed: HTTP " + r.status() + " " + r.body());
    }
    return json.get("result");
  }
}
