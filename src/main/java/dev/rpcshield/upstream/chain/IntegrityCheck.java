package dev.rpcshield.upstream.chain;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rpcshield.jsonrpc.Quantity;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.UpstreamReply;
import dev.rpcshield.upstream.BlockRequirement;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamFailure;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import dev.rpcshield.upstream.UpstreamsConfig;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Checks an upstream's answers against what was asked, where a wrong answer can be told without
 * trusting anyone: an eth_getLogs log outside the asked block range or block hash, and {@code null}
 * for a block by number that the upstream's own head says it has. Each check can be turned off.
 */
final class IntegrityCheck {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Methods whose {@code null} answer says the block is not there (or not yet). */
  private static final Set<String> BLOCK_BY_NUMBER =
      Set.of(
          "eth_getBlockByNumber", "eth_getBlockReceipts", "eth_getBlockTransactionCountByNumber");

  private final UpstreamsConfig.Integrity on;

  IntegrityCheck(UpstreamsConfig.Integrity on) {
    this.on = on;
  }

  /**
   * Why one of the answers cannot be trusted, the upstream counted as having disagreed on its
   * method; null when each passed.
   */
  UpstreamFailure failure(Exchange exchange, Upstream upstream, AnswerCheck.Checked checked) {
    if (!on.logs() && !on.missingBlocks()) {
      return null;
    }
    for (int i = 0; i < exchange.calls().size(); i++) {
      RpcCall call = exchange.calls().get(i);
      UpstreamReply.Answer a = checked.byId().get(exchange.route().ids()[i]);
      if (a.isError()) {
        continue;
      }
      UpstreamFailure f =
          switch (call.method()) {
            case "eth_getLogs" -> on.logs() ? logs(call, checked.reply(), a) : null;
            default ->
                on.missingBlocks() && BLOCK_BY_NUMBER.contains(call.method())
                    ? missing(call, checked.reply(), a, upstream.head().latest())
                    : null;
          };
      if (f != null) {
        upstream.disagreed(call.method());
        return f;
      }
    }
    return null;
  }

  private static UpstreamFailure missing(
      RpcCall call, UpstreamReply reply, UpstreamReply.Answer a, long head) {
    long block = BlockRequirement.of(call.method(), call::rawParams).minBlock();
    if (block < 0 || head < block || !"null".equals(reply.resultJson(a))) {
      return null;
    }
    return new UpstreamFailure(
        Kind.MISSING, "answered null for block " + block + " with its head at " + head);
  }

  /** The filter's block hash, or its numeric bounds (-1 where it names a tag or nothing). */
  private record Filter(String blockHash, long from, long to) {}

  private static UpstreamFailure logs(RpcCall call, UpstreamReply reply, UpstreamReply.Answer a) {
    Filter filter = filter(call.rawParams());
    if (filter == null || (filter.blockHash() == null && filter.from() < 0 && filter.to() < 0)) {
      return null;
    }
    try (JsonParser p = reply.resultParser(a)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        return untrusted("the logs are not an array");
      }
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t != JsonToken.START_OBJECT) {
          return untrusted("a log that is not an object");
        }
        String hash = null;
        long number = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          if (v == JsonToken.VALUE_STRING && name.equals("blockHash")) {
            hash = p.getText();
          } else if (v == JsonToken.VALUE_STRING && name.equals("blockNumber")) {
            number = Quantity.parse(p.getText());
          } else {
            p.skipChildren();
          }
        }
        if (filter.blockHash() != null
            && (hash == null || !hash.toLowerCase(Locale.ROOT).equals(filter.blockHash()))) {
          return untrusted("a log of another block than the one asked");
        }
        if (filter.blockHash() == null && number < 0) {
          return untrusted("a log without its block number");
        }
        if (filter.blockHash() == null
            && ((filter.from() >= 0 && number < filter.from())
                || (filter.to() >= 0 && number > filter.to()))) {
          return untrusted("a log of block " + number + ", outside the asked range");
        }
      }
      return null;
    } catch (IOException e) {
      return untrusted("the logs are not JSON");
    }
  }

  private static Filter filter(byte[] params) {
    try {
      JsonNode f = JSON.readTree(params).path(0);
      if (!f.isObject()) {
        return null;
      }
      JsonNode hash = f.get("blockHash");
      return new Filter(
          hash != null && hash.isTextual() ? hash.asText().toLowerCase(Locale.ROOT) : null,
          bound(f.get("fromBlock")),
          bound(f.get("toBlock")));
    } catch (IOException e) {
      return null;
    }
  }

  private static long bound(JsonNode n) {
    if (n == null || !n.isTextual()) {
      return -1;
    }
    return n.asText().equals("earliest") ? 0 : Quantity.parse(n.asText());
  }

  private static UpstreamFailure untrusted(String why) {
    return new UpstreamFailure(Kind.UNTRUSTED, why);
  }
}
