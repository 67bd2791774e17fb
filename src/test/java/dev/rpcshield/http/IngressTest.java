package dev.rpcshield.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rpcshield.config.Current;
import dev.rpcshield.identity.Caller;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.pipeline.Admission;
import dev.rpcshield.pipeline.Refusals;
import dev.rpcshield.testing.TestGenerations;
import dev.rpcshield.upstream.Network;
import dev.rpcshield.upstream.TestNetworks;
import dev.rpcshield.upstream.Upstreams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one way in for POST and WebSocket upgrade, with fakes of its neighbours (networks, admission,
 * the refusal recorder): the same path, network and admission for both, each refusal recorded once
 * with its class, and the errors that are no refusal recorded not at all.
 */
class IngressTest {
  private static final Network MAINNET = TestNetworks.named("mainnet");
  private static final Network BASE = TestNetworks.named("base", "base.rpc.example");

  private final List<String> admitted = new ArrayList<>();
  private final List<String> recorded = new ArrayList<>();
  private final Ingress ingress = new Ingress();

  IngressTest() {
    Map<String, String> values = new HashMap<>();
    values.put("rpcshield.limits.max-body-bytes", "100");
    values.put("rpcshield.cors.allowed-origins", "https://app.example");
    values.put("rpcshield.ws.allowed-origins", "https://app.example, https://*.dapp.example");
    ingress.generations = Current.of(TestGenerations.of(values));
    ingress.callers = new CallerResolver();
    ingress.upstreams =
        new Upstreams() {
          @Override
          public Network network(String name) {
            return Map.of("mainnet", MAINNET, "base", BASE).get(name);
          }

          @Override
          public Network defaultNetwork() {
            return MAINNET;
          }

          @Override
          public Network forHost(String host) {
            return host.equals("base.rpc.example") ? BASE : null;
          }
        };
    ingress.admission =
        new Admission() {
          @Override
          public Result admit(Caller caller, String network) {
            admitted.add(caller.apiKey() + "@" + network);
            return switch (String.valueOf(caller.apiKey())) {
              case "unknown" ->
                  new Result(
                      caller,
                      Refusal.of(
                          RpcError.of(RpcErrorCode.UNAUTHORIZED, "API key is unknown"), "key"));
              case "nodb" ->
                  new Result(
                      caller,
                      Refusal.of(
                          RpcError.of(RpcErrorCode.ACCOUNTS_UNAVAILABLE, "try again"), "database"));
              default -> new Result(caller, null);
            };
          }
        };
    ingress.refusals =
        new Refusals() {
          @Override
          public void record(Caller caller, String requestId, String method, Refusal refusal) {
            assertFalse(requestId.isEmpty());
            recorded.add(refusal.refusalClass() + " " + method + " " + caller.clientIp());
          }
        };
  }

  private static Arrival post(String path, String... headers) {
    return arrival(false, path, null, -1, headers);
  }

  private static Arrival upgrade(String path, String... headers) {
    return arrival(true, path, null, -1, headers);
  }

  private static Arrival arrival(
      boolean upgrade, String path, String host, long length, String... headers) {
    Map<String, String> h = new HashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], headers[i + 1]);
    }
    return new Arrival(upgrade, path, host, "203.0.113.5", null, length, h::get, "req-1");
  }

  private Ingress.Admitted admitted(Arrival a) {
    return assertInstanceOf(Ingress.Admitted.class, ingress.enter(a));
  }

  private Ingress.Refused refused(Arrival a, int status) {
    Ingress.Refused r = assertInstanceOf(Ingress.Refused.class, ingress.enter(a));
    assertEquals(status, r.status(), r.error().message());
    return r;
  }

  @Test
  void postAndUpgradeFindTheSameNetworkByPathHostOrDefaultAndTheSameKey() {
    for (boolean upgrade : new boolean[] {false, true}) {
      assertSame(MAINNET, admitted(arrival(upgrade, "/", null, -1)).network());
      assertSame(BASE, admitted(arrival(upgrade, "/base", null, -1)).network());
      assertSame(BASE, admitted(arrival(upgrade, "/v1/k1", "Base.RPC.example", -1)).network());
      assertSame(MAINNET, admitted(arrival(upgrade, "/v1/k2", "other.example", -1)).network());
      Ingress.Admitted keyed = admitted(arrival(upgrade, "/base/v1/k3", null, -1));
      assertEquals("k3", keyed.caller().apiKey());
      assertEquals("203.0.113.5", keyed.caller().clientIp());
    }
    assertEquals(
        List.of(
            "null@mainnet",
            "null@base",
            "k1@base",
            "k2@mainnet",
            "k3@base",
            "null@mainnet",
            "null@base",
            "k1@base",
            "k2@mainnet",
            "k3@base"),
        admitted);
    assertEquals(List.of(), recorded);
  }

  @Test
  void anUnknownPathOrNetworkIsAnErrorNotARefusal() {
    Ingress.Refused nowhere = refused(post("/a/b/c/d"), 404);
    assertTrue(nowhere.error().message().contains("no JSON-RPC endpoint"));
    assertTrue(new String(nowhere.body()).contains("\"requestId\":\"req-1\""));
    assertTrue(
        refused(upgrade("/a/b/c/d"), 404).error().message().contains("no WebSocket endpoint"));
    Ingress.Refused unknown =
        refused(post("/" + "n".repeat(100), "Origin", "https://app.example"), 404);
    assertTrue(
        unknown.error().message().contains("'" + "n".repeat(64) + "...'"),
        unknown.error().message());
    assertEquals(
        "https://app.example",
        unknown.headers().get("Access-Control-Allow-Origin"),
        "a page can read the 404 of a path it may call");
    assertEquals(List.of(), admitted);
    assertEquals(List.of(), recorded);
  }

  @Test
  void anUnknownNetworksNameIsShownUpToItsCap() {
    assertEquals("base", Ingress.shown("base"));
    assertEquals("a".repeat(64), Ingress.shown("a".repeat(64)));
    assertEquals("a".repeat(64) + "...", Ingress.shown("a".repeat(3000)));
  }

  @Test
  void aPostsFramingAndDeclaredSizeAreCheckedBeforeAdmission() {
    refused(post("/", "Transfer-Encoding", "gzip"), 400);
    refused(post("/", "Transfer-Encoding", "chunked", "Content-Length", "5"), 400);
    assertEquals(List.of(), recorded, "a malformed framing is no refusal");
    Ingress.Refused tooLarge = refused(arrival(false, "/v1/k", null, 101), 413);
    assertEquals(RpcErrorCode.BODY_TOO_LARGE, tooLarge.error().code());
    assertEquals(List.of("body-size - 203.0.113.5"), recorded);
    assertEquals(List.of(), admitted, "refused before admission");
    Ingress.Admitted chunked = admitted(post("/", "Transfer-Encoding", "chunked"));
    assertEquals(100, chunked.maxBodyBytes(), "read under the limit the declared size met");
    admitted(arrival(false, "/", null, 100));
  }

  @Test
  void aHandshakeFromAPageNotAllowedIsAnOriginRefusalBeforeAdmission() {
    Ingress.Refused evil = refused(upgrade("/v1/k", "Origin", "https://evil.example"), 403);
    assertEquals(RpcErrorCode.FORBIDDEN, evil.error().code());
    assertEquals(List.of("origin - 203.0.113.5"), recorded);
    assertEquals(List.of(), admitted);
    admitted(upgrade("/", "Origin", "https://app.example"));
    admitted(upgrade("/", "Origin", "https://x.dapp.example"));
    admitted(upgrade("/"));
    assertEquals(
        Map.of(),
        admitted(upgrade("/", "Origin", "https://app.example")).headers(),
        "a handshake carries no CORS header");
    admitted(post("/", "Origin", "https://evil.example"));
    assertEquals(1, recorded.size(), "a POST's origin is CORS's business, not a refusal");
  }

  @Test
  void anAdmissionRefusalIsRecordedOnceAndRenderedAlikeForPostAndUpgrade() {
    Ingress.Refused post = refused(post("/v1/unknown", "Origin", "https://app.example"), 401);
    Ingress.Refused handshake = refused(upgrade("/v1/unknown"), 401);
    assertEquals(post.error(), handshake.error());
    assertTrue(new String(post.body()).contains("\"id\":null"), new String(post.body()));
    assertTrue(
        new String(post.body()).contains("\"data\":{\"requestId\":\"req-1\""),
        "named by the id it arrived with: " + new String(post.body()));
    assertEquals("Origin", post.headers().get("Vary"));
    assertEquals("https://app.example", post.headers().get("Access-Control-Allow-Origin"));
    assertNull(handshake.headers().get("Vary"));
    Ingress.Refused noDatabase = refused(post("/v1/nodb"), 503);
    assertEquals("5", noDatabase.headers().get("Retry-After"));
    assertEquals(
        List.of("key - 203.0.113.5", "key - 203.0.113.5", "database - 203.0.113.5"), recorded);
  }

  @Test
  void aRefusalAfterAdmissionIsRecordedAndRenderedTheSameWay() {
    Ingress.Admitted in = admitted(upgrade("/"));
    Ingress.Refused capped =
        ingress.refuse(
            in.caller(),
            Refusal.of(RpcError.of(RpcErrorCode.RATE_LIMITED, "at most 2"), "ws-connections"),
            in.headers(),
            "req-1");
    assertEquals(429, capped.status());
    assertEquals(List.of("ws-connections - 203.0.113.5"), recorded);
  }
}
