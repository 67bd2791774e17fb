package dev.rpcshield.upstream.chain;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.rpcshield.jsonrpc.Quantity;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamFailure;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.verify.BlockHeader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Serves a transaction or its receipt only when it belongs to the canonical block at its height:
 * the block hash it names must be the hash of the trusted header there ({@link TrustedHeaders}).
 * When it is another (an upstream on a fork, or lying), the upstream is counted as having disagreed
 * and the calls go to the route's other upstreams; when none serves them canonically the last
 * answers are not served and the calls fail as failover says. A header that cannot be trusted yet
 * (a block too new for the quorum) proves nothing either way, and the answer is served. Pending
 * transactions name no block and are served as they are.
 */
public final class CanonicalLink implements UpstreamCall {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Set<String> METHODS =
      Set.of("eth_getTransactionReceipt", "eth_getTransactionByHash");

  private final UpstreamCall next;
  private final TrustedHeaders headers;
  private final ChainView chain;

  public CanonicalLink(UpstreamCall next, TrustedHeaders headers, ChainView chain) {
    this.next = next;
    this.headers = headers;
    this.chain = chain;
  }

  /** The block a transaction or receipt names. */
  private record Placed(long number, String hash) {}

  @Override
  public CompletionStage<Outcome> call(Exchange exchange) {
    for (RpcCall c : exchange.calls()) {
      if (METHODS.contains(c.method())) {
        return attempt(exchange, new ArrayList<>(exchange.route().order()));
      }
    }
    return next.call(exchange);
  }

  private CompletableFuture<Outcome> attempt(Exchange exchange, List<Upstream> order) {
    return next.call(exchange.routed(exchange.route().to(List.copyOf(order))))
        .toCompletableFuture()
        .thenCompose(o -> checked(exchange, order, o));
  }

  private CompletableFuture<Outcome> checked(
      Exchange exchange, List<Upstream> order, Outcome outcome) {
    List<CompletableFuture<Boolean>> checks = new ArrayList<>();
    String answeredBy = null;
    for (int i = 0; i < exchange.calls().size(); i++) {
      RpcCall call = exchange.calls().get(i);
      if (METHODS.contains(call.method())
          && outcome.results().get(i) instanceof CallResult.Answer a
          && !a.chainError()
          && a.body() != null) {
        Placed placed = placed(a.body());
        if (placed != null) {
          answeredBy = a.upstream();
          checks.add(canonical(placed));
        }
      }
    }
    if (checks.isEmpty()) {
      return CompletableFuture.completedFuture(outcome);
    }
    String upstream = answeredBy;
    return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
        .thenCompose(done -> {
          if (checks.stream().allMatch(CompletableFuture::join)) {
            return CompletableFuture.completedFuture(outcome);
          }
          Upstream liar = exchange.route().upstream(upstream);
          if (liar != null) {
            liar.disagreed(exchange.calls().get(0).method());
          }
          List<Upstream> rest = new ArrayList<>(order);
          if (!rest.remove(liar) || rest.isEmpty() || exchange.unwanted()) {
            String why = upstream + ": answered with a block that is not the canonical one";
            return CompletableFuture.completedFuture(
                Outcome.failed(
                    exchange.calls(),
                    RpcError.of(RpcErrorCode.NO_UPSTREAM, why),
                    upstream,
                    new UpstreamFailure(Kind.UNTRUSTED, why)));
          }
          return attempt(exchange, rest);
        });
  }

  /**
   * Whether the block is the trusted one at its height; true when none can be trusted yet (above
   * the head the quorum reports, or no quorum for its header).
   */
  private CompletableFuture<Boolean> canonical(Placed placed) {
    if (placed.number() > chain.blockOf("latest")) {
      return CompletableFuture.completedFuture(true);
    }
    return headers
        .at(placed.number())
        .thenApply((BlockHeader h) -> HexFormat.of().formatHex(h.hash()).equals(placed.hash()))
        .exceptionally(t -> true);
  }

  /** The block a transaction or receipt answer names, or null when it names none (pending). */
  private static Placed placed(byte[] response) {
    try (JsonParser p = JSON.createParser(response)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (field.equals("result") && v == JsonToken.START_OBJECT) {
          return placedIn(p);
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private static Placed placedIn(JsonParser p) throws IOException {
    long number = -1;
    String hash = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_STRING && field.equals("blockNumber")) {
        number = Quantity.parse(p.getText());
      } else if (v == JsonToken.VALUE_STRING && field.equals("blockHash")) {
        String text = p.getText().toLowerCase(Locale.ROOT);
        hash = text.startsWith("0x") ? text.substring(2) : text;
      } else {
        p.skipChildren();
      }
    }
    return number < 0 || hash == null ? null : new Placed(number, hash);
  }
}
