package dev.rpcshield.pipeline;

import dev.rpcshield.config.DirectBean;
import dev.rpcshield.config.Memo;
import dev.rpcshield.jsonrpc.ParsedBody;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcBodyException;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcParser;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The first stage: a JSON-RPC 2.0 body (single or batch) under the size, depth and batch limits of
 * the request's configuration, read into members that keep the client's own bytes.
 */
@ApplicationScoped
public class Parsing extends DirectBean {
  private final Memo<GatewayConfig, RpcParser> parsers =
      new Memo<>(c -> new RpcParser(c.parseLimits()));

  /** The parsed body, or why the body as a whole is refused. */
  public record Result(ParsedBody body, RpcError refusal) {

    /**
     * The refusal as a limit the body broke ({@code body-size}, {@code batch-size}), or null: the
     * body is not refused, or only because it is not valid JSON-RPC.
     */
    public Refusal limit() {
      if (refusal == null) {
        return null;
      }
      return switch (refusal.code()) {
        case BODY_TOO_LARGE -> Refusal.of(refusal, "body-size");
        case BATCH_TOO_LARGE -> Refusal.of(refusal, "batch-size");
        default -> null;
      };
    }
  }

  public Result parse(Request request) {
    try {
      RpcParser parser = parsers.apply(request.config(GatewayConfig.class));
      return new Result(parser.parse(request.body(), request.length()), null);
    } catch (RpcBodyException e) {
      return new Result(null, e.error());
    }
  }
}
