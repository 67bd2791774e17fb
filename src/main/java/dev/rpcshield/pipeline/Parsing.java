package dev.rpcshield.pipeline;

import dev.rpcshield.config.Current;
import dev.rpcshield.jsonrpc.ParsedBody;
import dev.rpcshield.jsonrpc.Refusal;
import dev.rpcshield.jsonrpc.RpcBodyException;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcParser;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The first stage: a JSON-RPC 2.0 body (single or batch) under the size, depth and batch limits,
 * read into members that keep the client's own bytes.
 */
@ApplicationScoped
public class Parsing {
  @Inject Current<GatewayConfig> config;

  private Current<RpcParser> parser;

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

  @PostConstruct
  void init() {
    parser = config.map(c -> new RpcParser(c.parseLimits()));
  }

  public Result parse(byte[] body, int length) {
    try {
      return new Result(parser.get().parse(body, length), null);
    } catch (RpcBodyException e) {
      return new Result(null, e.error());
    }
  }
}
